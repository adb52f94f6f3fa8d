"""The documentation matches the code: every setting and check is documented, and it builds."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

import django_llmshop
from django_llmshop.conf import ENDPOINT_DEFAULTS, defaults_by_app

DOCS = Path(__file__).resolve().parent.parent / "docs"
PACKAGE = Path(django_llmshop.__file__).resolve().parent
CHECK_ID = re.compile(r"llmshop\.[EW]\d{3}")
EMITTED_ID = re.compile(r"id=\"(llmshop\.[EW]\d{3})\"")
SUB_APPS = ("django_llmshop.support", "django_llmshop.recommend")


def check_ids_in_code() -> set[str]:
    """Ids a check emits, in the core's checks and in every sub-app's."""
    return {
        found
        for path in PACKAGE.rglob("*.py")
        for found in EMITTED_ID.findall(path.read_text(encoding="utf-8"))
    }


def registered_keys() -> set[str]:
    """Every key of the core and of the sub-apps registered in this (all-installed) run."""
    return {key for keys in defaults_by_app().values() for key in keys}


def test_every_sub_app_has_registered_its_keys() -> None:
    # Guards the test below: a sub-app whose app_settings was never imported would hide its keys.
    assert set(SUB_APPS) <= set(defaults_by_app())
    assert all(defaults_by_app()[app] for app in SUB_APPS)


def check_ids_in_docs() -> set[str]:
    return set(CHECK_ID.findall((DOCS / "checks.md").read_text(encoding="utf-8")))


@pytest.mark.parametrize("key", sorted({*registered_keys(), *ENDPOINT_DEFAULTS}))
def test_every_setting_is_in_the_reference(key: str) -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    assert f"`{key}`" in text
    assert f"### `{key}`\n" in text, f"{key} has no section of its own in settings.md"


def test_the_code_has_check_ids() -> None:
    # Guards the two tests below against a regex that silently matches nothing.
    assert {"llmshop.E001", "llmshop.E012", "llmshop.E013", "llmshop.W001"} <= check_ids_in_code()


def test_every_check_id_is_documented() -> None:
    missing = check_ids_in_code() - check_ids_in_docs()
    assert not missing, f"checks.md lacks {sorted(missing)}"


def test_every_documented_check_id_exists() -> None:
    unknown = check_ids_in_docs() - check_ids_in_code()
    assert not unknown, f"checks.md describes ids no check emits: {sorted(unknown)}"


@pytest.mark.parametrize("check_id", sorted(check_ids_in_code()))
def test_every_check_has_a_section(check_id: str) -> None:
    text = (DOCS / "checks.md").read_text(encoding="utf-8")
    assert f"## `{check_id}`\n" in text


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    missing = [
        name for name in ("sphinx", "myst_parser", "furo") if importlib.util.find_spec(name) is None
    ]
    if missing:
        pytest.skip(f"building the docs needs {', '.join(missing)} (the 'docs' dependency group)")
    command = [
        sys.executable, "-m", "sphinx",
        "-W", "--keep-going", "-q", "-E",
        "-b", "html",
        "-d", str(tmp_path / "doctrees"),
        str(DOCS), str(tmp_path / "html"),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr or result.stdout
