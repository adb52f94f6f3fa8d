"""App config of the django-oscar integration: signals, admin and dashboard actions."""

from __future__ import annotations

from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class OscarIntegrationConfig(AppConfig):
    name = "django_llmshop.contrib.oscar"
    label = "llmshop_oscar"
    verbose_name = _("LLM shop for django-oscar")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from django_llmshop.contrib.oscar.prices import forget_catalog_prices

        for signal in (post_save, post_delete):
            signal.connect(
                forget_catalog_prices, sender="partner.StockRecord", dispatch_uid="llmshop_oscar"
            )
        # The product admin is extended by this app's admin module, which Django's admin
        # autodiscovery imports after Oscar's own.
        if apps.is_installed("django_llmshop.recommend"):
            from django_llmshop.contrib.oscar import receivers

            receivers.connect()
        if apps.is_installed("django_llmshop.content"):
            from django_llmshop.contrib.oscar import dashboard

            dashboard.install_actions()
