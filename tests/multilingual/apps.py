from django.apps import AppConfig


class MultilingualConfig(AppConfig):
    name = "tests.multilingual"
    label = "multilingual"
    default_auto_field = "django.db.models.AutoField"
