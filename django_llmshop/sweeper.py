"""The sweeper: finishes work whose worker died, every minute and whenever a worker starts.

The core knows no sub-app, so each sub-app registers what it sweeps from its ``AppConfig.ready``
(support: replies left pending or streaming; content: generation jobs that stopped moving).
:func:`sweep` runs them all; the ``llmshop.sweep`` task runs it from the beat schedule, and
:func:`sweep_at_worker_start` (connected to Celery's ``worker_ready`` signal) when a worker
starts, so that work a killed worker left behind is finished as soon as a worker is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import connections

logger = logging.getLogger("django_llmshop.sweeper")

_sweepers: dict[str, Callable[[], int | list[Any]]] = {}


def register(name: str, sweeper: Callable[[], int | list[Any]]) -> None:
    """Run ``sweeper`` on every sweep; it returns how many things it finished (or a list)."""
    _sweepers[name] = sweeper


def registered() -> list[str]:
    return list(_sweepers)


def sweep(only: str | None = None) -> dict[str, int]:
    """Run every registered sweeper (or the one named ``only``); returns how many things each
    one finished."""
    done: dict[str, int] = {}
    for name, sweeper in list(_sweepers.items()):
        if only is not None and name != only:
            continue
        try:
            found = sweeper()
        except Exception:  # noqa: BLE001 - one failing sweeper must not stop the others; logged
            logger.exception("sweeper %s failed", name)
            continue
        done[name] = len(found) if isinstance(found, list) else int(found)
        if done[name]:
            logger.info("sweeper %s finished %s item(s)", name, done[name])
    return done


def sweep_at_worker_start(sender: Any = None, **kwargs: Any) -> None:
    """Celery ``worker_ready`` receiver: sweep once, then let go of the database connections
    (this runs in the worker's main process, whose connections its children must not share)."""
    try:
        sweep()
    finally:
        connections.close_all()


def connect_worker_ready() -> None:
    """Connect :func:`sweep_at_worker_start`; called from the core app's ``ready``."""
    from celery.signals import worker_ready

    worker_ready.connect(sweep_at_worker_start, weak=False, dispatch_uid="llmshop.sweep")
