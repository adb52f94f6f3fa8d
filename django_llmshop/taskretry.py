"""Retrying work that a transient database error interrupted: a lock, a serialization failure,
a deadlock or a lost connection.

Such an error says nothing about the work itself: the same work succeeds a moment later. A task
wrapped in :func:`retry_on_transient_db_errors` is sent again with a growing, jittered delay
(every task is idempotent by the row it completes, so running it again is safe);
:func:`with_db_retries` retries one short write in the same process, so that a model reply
already paid for is not thrown away because SQLite was busy for a moment.

Neither retries inside a transaction of the caller: a transaction that failed must be rolled
back and started again as a whole, by whoever opened it.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger("django_llmshop.tasks")

P = ParamSpec("P")
R = TypeVar("R")

#: SQLSTATE codes (PostgreSQL) of errors that go away when the work is tried again: connection
#: exceptions (class 08), serialization failure, deadlock, lock not available, server shutdown.
TRANSIENT_STATES = ("08", "40001", "40P01", "55P03", "57P01", "57P02", "57P03")
#: Messages of such errors where the driver gives no SQLSTATE (SQLite, lost connections).
TRANSIENT_MESSAGES = (
    "database is locked",
    "database table is locked",
    "could not serialize access",
    "deadlock detected",
    "server closed the connection",
    "connection already closed",
    "connection is closed",
    "terminating connection",
    "could not connect to server",
    "connection refused",
)

#: Task retries before the error is let through (the sweeper then finishes the work).
MAX_RETRIES = 5
#: Delay before the first retry, and the longest delay, in seconds.
BACKOFF_BASE = 1.0
BACKOFF_CAP = 60.0


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` is a database error that trying again may get past."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if isinstance(state, str) and state.startswith(TRANSIENT_STATES):
        return True
    message = str(error).lower()
    return any(text in message for text in TRANSIENT_MESSAGES)


def backoff(attempt: int, base: float = BACKOFF_BASE, cap: float = BACKOFF_CAP) -> float:
    """Seconds to wait before retry number ``attempt`` (0 first): doubling, capped, with up to
    a quarter of jitter so that workers that failed together do not retry together."""
    delay: float = min(cap, base * 2.0**attempt)
    return delay * (0.75 + random.random() / 4)  # noqa: S311 - jitter, not a secret


def in_transaction() -> bool:
    """Whether any database connection is inside a transaction that the caller opened."""
    return any(connection.in_atomic_block for connection in connections.all(initialized_only=True))


def drop_broken_connections() -> None:
    """Close connections that an error left unusable, so that the next query opens a new one."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def with_db_retries(work: Callable[[], R], *, attempts: int = 4, base: float = 0.25) -> R:
    """Run ``work()``, trying again after a transient database error, ``attempts`` times in all.

    Inside a transaction of the caller it runs once: the caller's transaction is what failed."""
    for attempt in range(attempts):
        try:
            return work()
        except DatabaseError as exc:
            if attempt + 1 >= attempts or not is_transient(exc) or in_transaction():
                raise
            logger.warning("Transient database error, trying again: %s", exc)
            drop_broken_connections()
            time.sleep(backoff(attempt, base=base, cap=5.0))
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def retry_on_transient_db_errors(task: Callable[P, R]) -> Callable[P, R]:
    """Wrap a task's function so that a transient database error sends the task again later.

    Put it under ``@shared_task``. Other errors, a task called as a plain function, and the last
    of ``MAX_RETRIES`` retries let the error through."""

    @functools.wraps(task)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return task(*args, **kwargs)
        except DatabaseError as exc:
            if not is_transient(exc) or in_transaction():
                raise
            drop_broken_connections()
            _retry_current_task(exc)
            raise

    return run


def _retry_current_task(error: DatabaseError) -> None:
    """Raise Celery's ``Retry`` for the running task, or return when there is none to retry."""
    from celery import current_task

    request: Any = getattr(current_task, "request", None)  # None when no task is running
    if request is None or request.called_directly:
        return
    retries = int(request.retries or 0)
    if retries >= MAX_RETRIES:
        logger.error("Task %s gave up after %s retries: %s", current_task.name, retries, error)
        return
    delay = backoff(retries)
    logger.warning(
        "Task %s hit a transient database error, retry %s in %.1f s: %s",
        current_task.name,
        retries + 1,
        delay,
        error,
    )
    raise current_task.retry(exc=error, countdown=delay, max_retries=MAX_RETRIES)
