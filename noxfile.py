"""The test matrix: Django 5.2 and 6.0 on Python 3.11 to 3.13 (run by hand with nox).

    nox                         # every combination, each in its own virtualenv
    nox -s "tests-3.12(django='6.0')" -- tests/content   # one, with pytest arguments

CI runs ``scripts/test`` (one Python, SQLite then PostgreSQL); this is the wider check before a
release. Each session installs the package with its ``api`` extra and the ``test`` group, then
the Django release asked for, and runs pytest on SQLite without the bundled model's tests.
Pythons the machine lacks are skipped.
"""

from __future__ import annotations

import nox

nox.options.error_on_missing_interpreters = False
nox.options.reuse_existing_virtualenvs = True

PYTHONS = ["3.11", "3.12", "3.13"]
DJANGO = {"5.2": "Django>=5.2,<6.0", "6.0": "Django>=6.0,<6.1"}


@nox.session(python=PYTHONS)
@nox.parametrize("django", list(DJANGO))
def tests(session: nox.Session, django: str) -> None:
    test_group = nox.project.dependency_groups(nox.project.load_toml("pyproject.toml"), "test")
    session.install("-e", ".[api]", *test_group)
    session.install(DJANGO[django])
    args = session.posargs or ["-m", "not local_model and not services", "-q", "tests"]
    session.run("python", "-W", "error::DeprecationWarning:django_llmshop", "-m", "pytest", *args)


@nox.session(python=PYTHONS[-1])
def lint(session: nox.Session) -> None:
    lint_group = nox.project.dependency_groups(nox.project.load_toml("pyproject.toml"), "lint")
    session.install("-e", ".[api]", *lint_group)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "django_llmshop")
