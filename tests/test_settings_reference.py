"""docs/settings.md lists every registered LLMSHOP key in its overview, read from the registry."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from django.apps import apps

from django_llmshop.conf import defaults_by_app, merged_dict_keys

SETTINGS_DOC = Path(__file__).resolve().parent.parent / "docs" / "settings.md"
OVERVIEW_ROW = re.compile(r"^\| \[`([A-Z0-9_]+)`\]\(#([a-z0-9_]+)\) \|", re.MULTILINE)


def section(title: str) -> str:
    """The text of the ``## title`` section, up to the next second-level heading."""
    text = SETTINGS_DOC.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def overview_rows() -> dict[str, str]:
    """Each key listed in the overview tables, with the anchor its row links to."""
    return dict(OVERVIEW_ROW.findall(section("Overview")))


def registered_keys() -> set[str]:
    return {key for keys in defaults_by_app().values() for key in keys}


def package_apps_with_settings() -> set[str]:
    """Installed apps of this package that have an ``app_settings`` module of their own."""
    return {
        config.name
        for config in apps.get_app_configs()
        if config.name.startswith("django_llmshop")
        and importlib.util.find_spec(f"{config.name}.app_settings") is not None
    }


def test_every_installed_app_with_settings_registered_them() -> None:
    # Guards the tests below: an app whose app_settings never ran would hide its keys.
    assert "django_llmshop.support" in package_apps_with_settings()
    assert package_apps_with_settings() <= set(defaults_by_app())


def test_the_overview_has_rows() -> None:
    # Guards the tests below against a pattern that matches nothing.
    assert {"ENDPOINTS", "CHAT_QUEUE", "RECOMMEND_RERANK"} <= set(overview_rows())


@pytest.mark.parametrize("key", sorted(registered_keys()))
def test_every_registered_key_is_in_the_overview(key: str) -> None:
    rows = overview_rows()
    assert key in rows, f"the overview of settings.md has no row for {key}"
    assert rows[key] == key.lower(), f"the row of {key} links to #{rows[key]}"


def test_the_overview_lists_no_unknown_key() -> None:
    stale = set(overview_rows()) - registered_keys()
    assert not stale, f"the overview lists keys no app registers: {sorted(stale)}"


@pytest.mark.parametrize("key", sorted(merged_dict_keys()))
def test_every_merged_dict_is_named_where_merging_is_explained(key: str) -> None:
    assert f"`{key}`" in section("How the dict is read")


def test_no_section_documents_a_key_that_is_gone() -> None:
    from django_llmshop.conf import ENDPOINT_DEFAULTS

    sections = set(re.findall(r"^### `([A-Z0-9_]+)`$", SETTINGS_DOC.read_text(), re.MULTILINE))
    assert "ENDPOINTS" in sections  # guards the pattern
    stale = sections - registered_keys() - set(ENDPOINT_DEFAULTS)
    assert not stale, f"settings.md has sections for keys nothing registers: {sorted(stale)}"
