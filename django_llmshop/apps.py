"""App config for the core app: settings, LLM gateway, call log and shop adapter."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LLMShopConfig(AppConfig):
    name = "django_llmshop"
    label = "llmshop"
    verbose_name = _("LLM shop")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_llmshop import checks, conf  # noqa: F401  (registers checks and signal handlers)
        from django_llmshop.sweeper import connect_worker_ready

        connect_worker_ready()
