"""App config for the core app: settings, LLM gateway, call log and shop adapter."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LLMShopConfig(AppConfig):
    name = "django_llmshop"
    label = "llmshop"
    verbose_name = _("LLM shop")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.schedules import crontab

        # Importing checks and conf registers the checks and the settings' signal handlers.
        from django_llmshop import checks, conf, schedule, sweeper  # noqa: F401
        from django_llmshop.budgetstore import expire_holds

        sweeper.connect_worker_ready()
        sweeper.register("budget_holds", expire_holds)
        schedule.register(self.name, "llmshop-sweep", "llmshop.sweep", 60)
        daily = crontab(hour=3, minute=30)
        schedule.register(self.name, "llmshop-purge-call-log", "llmshop.purge_call_log", daily)
