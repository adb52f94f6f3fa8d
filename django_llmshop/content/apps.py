"""App config for the content sub-app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "django_llmshop.content"
    label = "llmshop_content"
    verbose_name = _("Generated content")
    default_auto_field = "django.db.models.BigAutoField"
