"""App config for the support sub-app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "django_llmshop.support"
    label = "llmshop_support"
    verbose_name = _("Support chat")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from django_llmshop import sweeper
        from django_llmshop.support import receivers
        from django_llmshop.support.checks import check_answer_plan
        from django_llmshop.support.endings import sweep_replies

        receivers.connect()
        checks.register(check_answer_plan, "llmshop")
        sweeper.register("chat_replies", sweep_replies)
