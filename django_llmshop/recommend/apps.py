"""App config for the recommend sub-app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Registers the RECOMMEND_... keys with the core's settings object as soon as Django loads this
# config, before any model or check reads them.
from django_llmshop.recommend import app_settings  # noqa: F401


class RecommendConfig(AppConfig):
    name = "django_llmshop.recommend"
    label = "llmshop_recommend"
    verbose_name = _("Recommendations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.core import checks

        from django_llmshop import schedule
        from django_llmshop.recommend import receivers
        from django_llmshop.recommend.checks import check_recommend_settings

        receivers.connect()
        checks.register(check_recommend_settings, checks.Tags.compatibility, "llmshop")
        schedule.register(self.name, "llmshop-recommend-train", "llmshop.recommend.train", 3600)
        schedule.register(
            self.name,
            "llmshop-recommend-purge",
            "llmshop.recommend.purge_events",
            crontab(hour=3, minute=0),
        )
