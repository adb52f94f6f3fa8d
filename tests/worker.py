"""A real Celery worker process for tests, sharing the test database and a real broker.

On PostgreSQL + Redis it uses ``CELERY_BROKER_URL``; on SQLite (file database) it uses kombu's
filesystem transport in a temporary folder, so a worker runs on a laptop with no servers too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection
from kombu import pools

from tests.celery_app import app

ROOT = Path(__file__).resolve().parent.parent


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
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``celery worker`` against the test database until the block ends."""
    db_url = database_url()
    if db_url is None:
        raise RuntimeError("the test database is in memory; set LLMSHOP_TEST_SQLITE")
    broker = os.environ.get("CELERY_BROKER_URL")
    transport_options: dict[str, Any] = {}
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
    process = subprocess.Popen(
        command,
        env=child_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        start_new_session=True,
    )
    saved = {
        key: app.conf.get(key)
        for key in ("broker_url", "task_always_eager", "broker_transport_options")
    }
    app.conf.update(
        broker_url=broker, task_always_eager=False, broker_transport_options=transport_options
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


def wait_for(predicate: Any, timeout: float = 60, interval: float = 0.1) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
