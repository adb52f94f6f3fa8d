"""The example shop's Celery app; the reusable package itself never creates one.

Start a worker and the one beat of the site from the example_project folder::

    celery -A example_project worker -l info
    celery -A example_project beat -l info
"""

import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")

app = Celery("example_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.import_modules.connect(sender=app)
def schedule_llmshop_tasks(sender: Any = None, **kwargs: Any) -> None:
    """Add django-llmshop's periodic tasks to beat's schedule (docs/periodic-tasks.md).

    Celery sends ``import_modules`` when a worker or beat starts, after Celery's Django fixup
    has set Django up, so the installed apps have registered their tasks. Entries of
    ``CELERY_BEAT_SCHEDULE`` with the same name win.
    """
    from django_llmshop.schedule import beat_schedule

    app.conf.beat_schedule = {**beat_schedule(), **app.conf.beat_schedule}
