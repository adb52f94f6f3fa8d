"""App config for the support sub-app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Registers the CHAT_... keys with the core's settings object as soon as Django loads this
# config, before any model or check reads them.
from django_llmshop.support import app_settings  # noqa: F401


class SupportConfig(AppConfig):
    name = "django_llmshop.support"
    label = "llmshop_support"
    verbose_name = _("Support chat")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.core import checks

        from django_llmshop import schedule, sweeper
        from django_llmshop.support import receivers
        from django_llmshop.support.checks import (
            check_answer_plan,
            check_chat_settings,
            check_handoff_settings,
        )
        from django_llmshop.support.endings import sweep_replies

        receivers.connect()
        checks.register(check_chat_settings, checks.Tags.compatibility, "llmshop")
        checks.register(check_answer_plan, checks.Tags.compatibility, "llmshop")
        checks.register(check_handoff_settings, checks.Tags.compatibility, "llmshop")
        sweeper.register("chat_replies", sweep_replies)
        schedule.register(
            self.name,
            "llmshop-support-sync-pages",
            "llmshop.support.sync_pages",
            crontab(hour=2, minute=30),
        )
