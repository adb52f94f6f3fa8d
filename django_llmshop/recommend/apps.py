"""App config for the recommend sub-app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendConfig(AppConfig):
    name = "django_llmshop.recommend"
    label = "llmshop_recommend"
    verbose_name = _("Recommendations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_llmshop.recommend import receivers

        receivers.connect()
