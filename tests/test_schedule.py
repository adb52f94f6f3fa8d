"""The beat schedule: one entry per periodic task of the installed apps, each a real task."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys

import pytest
from celery import current_app
from celery.schedules import crontab
from django.apps import apps
from django.conf import settings
from django.test import override_settings

from django_llmshop import schedule
from django_llmshop.schedule import beat_schedule
from tests.example.test_project import EXAMPLE_DIR, SETTINGS_ENV


def test_every_installed_app_contributes_its_periodic_tasks() -> None:
    tasks = {entry["task"] for entry in beat_schedule().values()}
    assert tasks == {
        "llmshop.sweep",
        "llmshop.purge_call_log",
        "llmshop.support.sync_pages",
        "llmshop.recommend.train",
        "llmshop.recommend.purge_events",
    }


def test_every_entry_names_a_registered_task() -> None:
    # A misspelt name would make beat send messages no worker understands.
    for config in apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.tasks") is not None:
            importlib.import_module(f"{config.name}.tasks")
    for key, entry in beat_schedule().items():
        assert entry["task"] in current_app.tasks, key


def test_every_entry_runs_at_least_daily() -> None:
    for key, entry in beat_schedule().items():
        when = entry["schedule"]
        assert isinstance(when, crontab) or 0 < when <= 86400, key


def test_a_sub_app_left_out_leaves_its_tasks_out() -> None:
    without = [name for name in settings.INSTALLED_APPS if name != "django_llmshop.recommend"]
    with override_settings(INSTALLED_APPS=without):
        tasks = {entry["task"] for entry in beat_schedule().values()}
    assert "llmshop.sweep" in tasks
    assert not {task for task in tasks if task.startswith("llmshop.recommend.")}


@pytest.mark.parametrize("bad", [0, -5, True])
def test_a_schedule_that_never_fires_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="seconds above 0"):
        schedule.register("django_llmshop", "llmshop-bad", "llmshop.sweep", bad)
    assert "llmshop-bad" not in beat_schedule()


#: Run in a process of its own: importing the example project here would replace the tests'
#: current Celery app.
EXAMPLE_BEAT = """
import json
from example_project.celery import app
app.loader.init_worker()  # what `celery worker` and `celery beat` do when they start
print(json.dumps({key: entry["task"] for key, entry in app.conf.beat_schedule.items()}))
"""


@pytest.mark.slow
def test_the_example_shops_celery_app_schedules_them() -> None:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_ENV}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(DJANGO_DEBUG="1", CELERY_SKIP_CHECKS="1")
    result = subprocess.run(
        [sys.executable, "-c", EXAMPLE_BEAT],
        cwd=EXAMPLE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    scheduled = json.loads(result.stdout.strip().splitlines()[-1])
    assert scheduled == {key: entry["task"] for key, entry in beat_schedule().items()}
