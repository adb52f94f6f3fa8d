"""Sphinx configuration for the django-llmshop documentation (MyST Markdown, Furo theme)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

with (ROOT / "pyproject.toml").open("rb") as pyproject:
    _project = tomllib.load(pyproject)["project"]

project = "django-llmshop"
author = "django-llmshop maintainers"
copyright = "django-llmshop maintainers"
release = _project["version"]
version = ".".join(release.split(".")[:2])

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# Anchors for headings down to level 3, so pages can link to one setting or one check.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist"]

html_theme = "furo"
html_title = f"django-llmshop {release}"
