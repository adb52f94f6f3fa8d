"""The example shop's Celery app; the reusable package itself never creates one.

Start a worker from the example_project folder::

    celery -A example_project worker -l info
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")

app = Celery("example_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
