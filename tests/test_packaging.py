"""What the wheel carries: the package's type information and its data files."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import django_llmshop

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(django_llmshop.__file__).resolve().parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_package_is_marked_typed() -> None:
    # PEP 561: without the marker, type checkers ignore the package's annotations.
    assert (PACKAGE / "py.typed").is_file()
    assert "Typing :: Typed" in PYPROJECT["project"]["classifiers"]


def test_the_wheel_ships_the_whole_package_folder() -> None:
    # Hatch puts every file under the listed package in the wheel (templates, static files,
    # translations, py.typed) unless it is excluded; nothing may exclude them.
    wheel = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["packages"] == ["django_llmshop"]
    assert not wheel.get("exclude") and not wheel.get("only-include")
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    for data in ("*.typed", "*.mo", "*.html", "*.css", "*.js"):
        assert data not in ignored  # hatch also leaves out what git ignores


def test_the_data_files_exist() -> None:
    assert list(PACKAGE.rglob("templates/**/*.html"))
    assert list(PACKAGE.rglob("static/**/*.js"))
    assert (PACKAGE / "locale/zh_Hans/LC_MESSAGES/django.mo").is_file()


def test_the_api_extra_names_the_schema_generator() -> None:
    assert any(
        requirement.startswith("drf-spectacular")
        for requirement in PYPROJECT["project"]["optional-dependencies"]["api"]
    )


def requirement_name(requirement: str) -> str:
    return re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0].lower()


def test_the_install_page_names_every_dependency_and_extra() -> None:
    page = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    names = {"django": "Django", "djangorestframework": "Django REST framework"}
    for requirement in PYPROJECT["project"]["dependencies"]:
        name = requirement_name(requirement)
        assert names.get(name, name).lower() in page.lower(), f"install.md does not name {name}"
    for extra in PYPROJECT["project"]["optional-dependencies"]:
        assert f"| `{extra}` |" in page, f"install.md's extras table lacks {extra!r}"
