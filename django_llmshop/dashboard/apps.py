"""App config of the dashboard sub-app (``django_llmshop.dashboard``)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "django_llmshop.dashboard"
    label = "llmshop_dashboard"
    verbose_name = _("LLM shop dashboard")
    default_auto_field = "django.db.models.BigAutoField"
