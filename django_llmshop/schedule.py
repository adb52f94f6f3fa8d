"""The package's periodic tasks as one Celery beat schedule, for the apps a shop installed.

The core knows no sub-app, so each app registers its periodic tasks from its ``AppConfig.ready``
with :func:`register`, and :func:`beat_schedule` returns the entries of the installed apps::

    from django_llmshop.schedule import beat_schedule

    app.conf.beat_schedule = {**beat_schedule(), **app.conf.beat_schedule}

It needs Django's app registry, so call it once Django is set up (the example shop's
``celery.py`` does it from Celery's ``import_modules`` signal). docs/periodic-tasks.md lists the
entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from celery.schedules import crontab
from django.apps import apps


@dataclass(frozen=True)
class PeriodicTask:
    """One beat entry: the task's name, and how often it runs (seconds, or a crontab)."""

    key: str
    task: str
    schedule: float | crontab
    app: str


_registered: dict[str, PeriodicTask] = {}


def register(app: str, key: str, task: str, schedule: float | crontab) -> None:
    """Add ``task`` to the schedule under ``key`` while ``app`` is installed.

    Registering a key again replaces its entry (``ready`` may run more than once in tests)."""
    if isinstance(schedule, bool) or (not isinstance(schedule, crontab) and schedule <= 0):
        raise ValueError(f"The schedule of {key!r} must be a crontab or seconds above 0.")
    _registered[key] = PeriodicTask(key=key, task=task, schedule=schedule, app=app)


def periodic_tasks() -> list[PeriodicTask]:
    """The registered periodic tasks of the installed apps, in registration order."""
    apps.check_apps_ready()
    return [entry for entry in _registered.values() if apps.is_installed(entry.app)]


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Celery's ``beat_schedule`` for every periodic task of the installed apps."""
    return {task.key: {"task": task.task, "schedule": task.schedule} for task in periodic_tasks()}
