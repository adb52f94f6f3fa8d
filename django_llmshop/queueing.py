"""Sending a Celery task once the surrounding transaction commits, never when it rolls back.

Every sub-app queues its work through :func:`enqueue_on_commit`: a worker that picked a task up
before the commit would not find the row it is meant to complete, and a rolled-back request
must not leave a task behind.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any, queue: str | None = None) -> None:
    """Send ``task(*args)`` (to ``queue``, else the task's default) after the commit.

    Outside a transaction (autocommit) it is sent at once, as Django runs on_commit callbacks
    immediately there.
    """
    options = {"queue": queue} if queue else {}
    send = getattr(task, "apply_async_on_commit", None)
    if send is not None:  # Celery's DjangoTask, the task class of a Django-configured app
        send(args, **options)
    else:  # a host whose Celery app sets its own task class
        transaction.on_commit(lambda: task.apply_async(args, **options))
