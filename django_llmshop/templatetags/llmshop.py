"""``{% load llmshop %}``: the tags of every installed sub-app under one name.

Each sub-app owns its tags: ``{% load llmshop_chat %}`` (support), ``{% load llmshop_content %}``
(``llmshop_review_summary``, ``llmshop_description``) and ``{% load llmshop_recommend %}``
(``llmshop_recommendations``, ``llmshop_bought_together``, ``llmshop_track``). This library
gathers them from the sub-apps found installed in the app registry, imported by name, so the
core imports no sub-app. A tag of a sub-app that is not installed still parses and renders
nothing (``llmshop_description`` gives back the text it was given), so a shared base template
keeps working."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django import template
from django.apps import apps

#: Sub-app → (its tag library module, the tags it provides).
SUB_APP_LIBRARIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "django_llmshop.support": ("templatetags.llmshop_chat", ("llmshop_chat",)),
    "django_llmshop.content": (
        "templatetags.llmshop_content",
        ("llmshop_review_summary", "llmshop_description"),
    ),
    "django_llmshop.recommend": (
        "templatetags.llmshop_recommend",
        ("llmshop_recommendations", "llmshop_bought_together", "llmshop_track"),
    ),
}


def _nothing(*args: Any, **kwargs: Any) -> str:
    """Stands in for a tag of a sub-app that is not installed."""
    return ""


def _current_text(product: Any = None, current: Any = "", *args: Any, **kwargs: Any) -> Any:
    """Stands in for ``llmshop_description``: the product's text it was given, unchanged."""
    return "" if current is None else current


#: Stand-ins that must give back something other than nothing.
STAND_INS = {"llmshop_description": _current_text}


def build_library() -> template.Library:
    """One library with the tags and filters of every installed sub-app's library."""
    library = template.Library()
    for app, (module, tags) in SUB_APP_LIBRARIES.items():
        if apps.is_installed(app):
            own: template.Library = import_module(f"{app}.{module}").register
            library.tags.update(own.tags)
            library.filters.update(own.filters)
        else:
            for name in tags:
                library.simple_tag(STAND_INS.get(name, _nothing), name=name)
    return library


register = build_library()
