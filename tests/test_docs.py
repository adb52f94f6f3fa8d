"""The documentation matches the code: every setting and check is documented, and it builds."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from django_llmshop import checks
from django_llmshop.conf import DEFAULTS, ENDPOINT_DEFAULTS

DOCS = Path(__file__).resolve().parent.parent / "docs"
CHECK_ID = re.compile(r"llmshop\.[EW]\d{3}")


def check_ids_in_code() -> set[str]:
    return set(CHECK_ID.findall(Path(checks.__file__).read_text(encoding="utf-8")))


def check_ids_in_docs() -> set[str]:
    return set(CHECK_ID.findall((DOCS / "checks.md").read_text(encoding="utf-8")))


@pytest.mark.parametrize("key", sorted({*DEFAULTS, *ENDPOINT_DEFAULTS}))
def test_every_setting_is_in_the_reference(key: str) -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    assert f"`{key}`" in text
    assert f"### `{key}`\n" in text, f"{key} has no section of its own in settings.md"


def test_the_code_has_check_ids() -> None:
    # Guards the two tests below against a regex that silently matches nothing.
    assert {"llmshop.E001", "llmshop.W001"} <= check_ids_in_code()


def test_every_check_id_is_documented() -> None:
    missing = check_ids_in_code() - check_ids_in_docs()
    assert not missing, f"checks.md lacks {sorted(missing)}"


def test_every_documented_check_id_exists() -> None:
    unknown = check_ids_in_docs() - check_ids_in_code()
    assert not unknown, f"checks.md describes ids checks.py never emits: {sorted(unknown)}"


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
