"""The JSON API: joins the routers that the installed sub-apps declare in their ``api.py``."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.urls import URLPattern, URLResolver, path

from django_llmshop.api import schema, staff

SUBAPPS = ("django_llmshop.content", "django_llmshop.support", "django_llmshop.recommend")


def _subapp_patterns() -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = []
    for name in SUBAPPS:
        if not apps.is_installed(name):
            continue
        try:
            module = import_module(f"{name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.api":
                raise
            continue
        patterns.extend(module.urlpatterns)
    return patterns


urlpatterns = [*staff.urlpatterns, *_subapp_patterns()]
if schema.available():  # the api extra: the OpenAPI schema of the patterns above
    urlpatterns.append(path("schema/", schema.SchemaView.as_view(), name="api-schema"))
