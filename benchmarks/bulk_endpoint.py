"""Helpers of the bulk generation benchmark: the fake endpoint in its own process, and a
database of the benchmark's own on a shared PostgreSQL server."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class EndpointShape:
    """How the fake endpoint behaves: its limit, its waits and what it answers."""

    limit: int
    latency: float
    sigma: float
    seed: int
    retry_after: float
    reply: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def endpoint_process(shape: EndpointShape, port: int, stats: dict[str, Any]) -> Iterator[str]:
    """Run ``python -m django_llmshop.testing`` on ``port``; fill ``stats`` when it stops."""
    command = [sys.executable, "-m", "django_llmshop.testing", "--port", str(port), "--stats"]
    command += ["--max-in-flight", str(shape.limit), "--retry-after", str(shape.retry_after)]
    command += ["--latency", str(shape.latency), "--latency-sigma", str(shape.sigma)]
    command += ["--seed", str(shape.seed), "--reply", shape.reply]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http"):
            raise RuntimeError(f"the fake endpoint did not start (exit {process.wait()})")
        yield base_url
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
        lines = out.strip().splitlines()
        if lines:
            stats.update(json.loads(lines[-1]))


@contextmanager
def own_database(url: str) -> Iterator[str]:
    """A new PostgreSQL database beside the one ``url`` names, dropped afterwards; the URL of it.

    The benchmark creates products and empties tables, which it must not do in a database
    that tests or other people use.
    """
    import psycopg

    parts = urlsplit(url)
    name = f"llmshop_bulkbench_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
