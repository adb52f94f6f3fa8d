"""App config for the content sub-app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "django_llmshop.content"
    label = "llmshop_content"
    verbose_name = _("Generated content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_llmshop import sweeper
        from django_llmshop.content.services import resume_stale_jobs

        sweeper.register("content_jobs", resume_stale_jobs)
