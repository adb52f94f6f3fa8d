"""A real Celery worker process for tests, sharing the test database and a real broker.

On PostgreSQL + Redis it uses ``CELERY_BROKER_URL``; on SQLite (file database) it uses kombu's
filesystem transport in a temporary folder, so a worker runs on a laptop with no servers too.
A test can also choose a real broker, Redis or RabbitMQ, with ``real_broker``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection
from kombu import Connection, Exchange, Queue, pools
from kombu.exceptions import OperationalError

from tests.celery_app import app

ROOT = Path(__file__).resolve().parent.parent
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"
#: The real brokers a worker test can be parametrised with.
BROKERS = ["redis", "rabbitmq"]


def database_url() -> str | None:
    """The URL of the test database this process uses, or None if a worker cannot share it."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(conf["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            return None
        return f"sqlite:///{name}"
    if connection.vendor == "postgresql":
        host = conf.get("HOST") or "127.0.0.1"
        port = conf.get("PORT") or 5432
        user = conf.get("USER") or "postgres"
        password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
        return f"postgres://{user}{password}@{host}:{port}/{conf['NAME']}"
    return None


@contextmanager
def worker_process(
    tmp_path: Path,
    *,
    pool: str = "prefork",
    concurrency: int = 2,
    queues: str = "celery",
    env: dict[str, str] | None = None,
    settings_module: str = "tests.settings",
    broker: str | None = None,
    transport_options: dict[str, Any] | None = None,
    default_queue: str | None = None,
    prefetch_multiplier: int | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``celery worker`` against the test database until the block ends.

    ``broker`` (with its ``transport_options``) replaces ``CELERY_BROKER_URL`` for the worker
    and for this process's sends; ``default_queue`` is where this process sends tasks that name
    no queue, for a test that keeps its messages apart in queues of its own.
    """
    db_url = database_url()
    if db_url is None:
        raise RuntimeError("the test database is in memory; set LLMSHOP_TEST_SQLITE")
    broker = broker or os.environ.get("CELERY_BROKER_URL")
    transport_options = dict(transport_options or {})
    if not broker:
        folder = tmp_path / "broker"
        folder.mkdir(parents=True, exist_ok=True)
        broker = "filesystem://"
        transport_options = {
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(folder / "control"),
        }
    child_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": broker,
        "LLMSHOP_TEST_BROKER_OPTIONS": repr(transport_options),
        "PYTHONPATH": str(ROOT),
        "LLMSHOP_CELERY_EAGER": "0",
        **(env or {}),
    }
    tmp_path.mkdir(parents=True, exist_ok=True)
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "tests.celery_app",
        "worker",
        "--pool",
        pool,
        "--concurrency",
        str(concurrency),
        "-Q",
        queues,
        "--loglevel",
        "INFO",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]
    if prefetch_multiplier is not None:
        command += ["--prefetch-multiplier", str(prefetch_multiplier)]
    process = subprocess.Popen(
        command,
        env=child_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        start_new_session=True,
    )
    keys = (
        "broker_url",
        "broker_read_url",
        "broker_write_url",
        "task_always_eager",
        "broker_transport_options",
        "task_default_queue",
    )
    saved = {key: app.conf.get(key) for key in keys}
    # Celery prefers the CELERY_BROKER_URL environment variable to broker_url, but not to the
    # read and write URLs: setting those makes this process send to the worker's broker.
    app.conf.update(
        broker_url=broker,
        broker_read_url=broker,
        broker_write_url=broker,
        task_always_eager=False,
        broker_transport_options=transport_options,
        task_default_queue=default_queue or saved["task_default_queue"],
    )
    _reset_connections()
    try:
        _wait_ready(tmp_path / "worker.log", process)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
        app.conf.update(**saved)
        _reset_connections()


def _reset_connections() -> None:
    """Close the pooled broker connections and forget the pools, so the next send connects to
    the broker now configured (kombu keeps pools in a global registry keyed by broker)."""
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def _wait_ready(log_path: Path, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"worker exited: {log_path.read_text(errors='replace')[-3000:]}")
        if b" ready." in log_path.read_bytes():
            return
        time.sleep(0.1)
    raise RuntimeError(f"worker not ready: {log_path.read_text(errors='replace')[-3000:]}")


def real_broker(kind: str) -> str:
    """The URL of a real broker, ``"redis"`` or ``"rabbitmq"``, for a worker test.

    Both variants run in the PostgreSQL + Redis pass of scripts/test, so the SQLite pass skips
    them; anywhere else a broker that does not answer is a missing service.
    """
    import pytest  # here: the benchmarks start workers through this module, outside pytest

    from tests.conftest import missing_redis, missing_service

    if kind == "redis":
        url = os.environ.get("CELERY_BROKER_URL", "")
        url = url if url.startswith("redis") else os.environ.get("REDIS_URL", "")
        if not url:
            missing_redis()
        return url
    if kind != "rabbitmq":
        raise ValueError(f"unknown broker {kind!r}")
    if os.environ.get("LLMSHOP_TEST_PASS") == "sqlite":
        pytest.skip("the RabbitMQ variant runs in the PostgreSQL + Redis pass")
    url = os.environ.get("LLMSHOP_TEST_AMQP_URL") or AMQP_URL
    conn = Connection(url, connect_timeout=3)
    try:
        conn.ensure_connection(max_retries=1)
    except (OperationalError, *conn.connection_errors) as exc:
        missing_service(f"RabbitMQ does not answer at {url}: {exc!r}")
    finally:
        conn.release()
    return url


def redelivery_options(broker: str, visibility_timeout: int = 3) -> dict[str, Any]:
    """Transport options under which a killed worker's unacknowledged messages come back soon.

    RabbitMQ returns them as soon as the dead worker's connection closes. Redis keeps them
    until ``visibility_timeout`` expires, looked for every second; it also hands out again a
    message that a live worker holds for longer, so the test keeps every task shorter.
    """
    if broker.startswith("redis"):
        return {
            "visibility_timeout": visibility_timeout,
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        }
    return {}


@contextmanager
def own_queues(broker: str, *names: str) -> Iterator[list[str]]:
    """Queue names used by this test alone, ``<name>-<random>``, deleted from the broker at the
    end, so runs sharing a broker (RabbitMQ has one vhost here) never take each other's
    messages, and nothing left by an earlier run is delivered."""
    queues = [f"{name}-{uuid.uuid4().hex[:10]}" for name in names]
    try:
        yield queues
    finally:
        with Connection(broker, connect_timeout=3) as conn:
            channel = conn.default_channel
            for name in queues:
                # Declared as Celery declares a queue it was not told about (with an exchange
                # of its name), so that the delete removes the binding and exchange too.
                exchange = Exchange(name, "direct")
                queue = Queue(name, exchange, routing_key=name)(channel)
                queue.declare()
                queue.delete()
                exchange(channel).delete()


def wait_for(predicate: Any, timeout: float = 60, interval: float = 0.1) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
