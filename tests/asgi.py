"""The test suite's ASGI application with its static files, for browser tests and benchmarks
under uvicorn. Tasks go out through the suite's Celery app (its broker options), and errors of
requests go to the server's output, which a failing test shows."""

import logging

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

application = ASGIStaticFilesHandler(get_asgi_application())

import tests.celery_app  # noqa: E402, F401  (after setup: it reads Django's settings)

logging.getLogger("django.request").addHandler(logging.StreamHandler())
