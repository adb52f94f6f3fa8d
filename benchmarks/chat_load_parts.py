"""Pieces of the chat load benchmark: its server processes, a small HTTP/1.1 client on asyncio
streams, SSE reading, the bare async relay (the floor), and CPU time of processes from /proc.

The client is written on raw asyncio streams so that the load generator itself is cheap: at a
thousand open streams an HTTP library's own overhead would be measured as the server's.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    cookies: dict[str, str] = field(default_factory=dict)
    #: The whole body, once :meth:`read_body` has read it.
    read: bytes = b""

    async def read_body(self) -> None:
        try:
            self.read = await self.body()
        finally:
            self.close()

    async def body(self) -> bytes:
        if self.headers.get("transfer-encoding") == "chunked":
            return b"".join([chunk async for chunk in self.chunks()])
        length = int(self.headers.get("content-length", "0"))
        return await self.reader.readexactly(length)

    async def chunks(self) -> AsyncIterator[bytes]:
        if self.headers.get("transfer-encoding") != "chunked":
            while data := await self.reader.read(65536):  # close-delimited
                yield data
            return
        while True:
            size = int((await self.reader.readline()).split(b";")[0], 16)
            if size == 0:
                await self.reader.readline()
                return
            data = await self.reader.readexactly(size)
            await self.reader.readexactly(2)
            yield data

    def close(self) -> None:
        self.writer.close()


async def request(
    url: str,
    method: str = "GET",
    *,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> Response:
    """Send one request on a new connection; the body is read by the caller."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        writer.close()
        raise ConnectionError(f"{method} {url}: the server closed the connection")
    status = int(status_line.split()[1])
    found: dict[str, str] = {}
    cookies: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        found[name.strip().lower()] = value.strip()
        if name.strip().lower() == "set-cookie":
            cookie = value.strip().split(";", 1)[0]
            key, _, val = cookie.partition("=")
            cookies[key] = val
    return Response(status, found, reader, writer, cookies)


async def sse_events(response: Response) -> AsyncIterator[tuple[str, str]]:
    """(event, data) of a ``text/event-stream`` body; comments (heartbeats) are skipped."""
    pending = b""
    async for chunk in response.chunks():
        pending += chunk
        while b"\n\n" in pending:
            block, pending = pending.split(b"\n\n", 1)
            kind, data = "message", []
            for line in block.decode().splitlines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].removeprefix(" "))
            if data:
                yield kind, "\n".join(data)


def require_servers() -> None:
    """Exit with a clear message unless PostgreSQL and Redis (and Celery's broker) are named."""
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        if not os.environ.get(name):
            sys.exit(f"set {name} (PostgreSQL and Redis are needed; see the docstring)")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its waited-for children, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def thread_count(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


# --- the benchmark's server processes ---------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"a server exited at start (code {process.returncode})")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    sys.exit(f"nothing listens on port {port} after {timeout:.0f} s")


@contextmanager
def process(args: list[str], env: dict[str, str], port: int | None = None) -> Iterator[int]:
    """Run a server process until the block ends; yields its pid."""
    proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **env})
    try:
        if port is not None:
            wait_for_port(port, proc)
        yield proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def raise_file_limit(streams: int) -> None:
    """Each stream is a socket at both ends (and the relay's to the endpoint): 1,000 streams
    need more than the usual soft limit of 1,024 descriptors. The servers inherit the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4 * streams + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        top = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (top, hard))


# --- the bare relay: ``uvicorn benchmarks.chat_load_parts:bare_relay`` ----------------------


async def bare_relay(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An ASGI app that streams a chat completion from ``BARE_RELAY_UPSTREAM`` and relays each
    text delta as an SSE ``token`` event, then ``done``: no Django, no queue, no database."""
    if scope["type"] != "http":
        return
    upstream = os.environ["BARE_RELAY_UPSTREAM"].rstrip("/") + "/chat/completions"
    payload = {
        "model": "bench",
        "stream": True,
        "messages": [{"role": "user", "content": "Hello, can you help me choose a gift?"}],
    }
    response = await request(
        upstream,
        "POST",
        body=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer x"},
    )
    head = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
    await send({"type": "http.response.start", "status": 200, "headers": head})
    try:
        async for _kind, data in sse_events(response):
            if data == "[DONE]":
                break
            choices = json.loads(data).get("choices") or [{}]
            text = (choices[0].get("delta") or {}).get("content")
            if text:
                event = f"event: token\ndata: {json.dumps(text)}\n\n"
                await send(
                    {"type": "http.response.body", "body": event.encode(), "more_body": True}
                )
    finally:
        response.close()
    done = f"event: done\ndata: {json.dumps({'at': time.time()})}\n\n".encode()
    await send({"type": "http.response.body", "body": done, "more_body": False})


def round_trips(query: Callable[[], Any], samples: int = 60) -> tuple[float, float]:
    """p50 ms of ``query()`` back to back, and after 20 ms idle each.

    The chat's path to a first token makes dozens of round trips (database, Redis, queue,
    threads); the bare relay a few. On machines where an idle CPU is slow to wake (virtual
    machines, power saving), each costs far more after a pause than in a tight loop, and the
    chat's fixed overhead grows with it: these two figures tell runs on such machines apart.
    """
    timings: dict[bool, list[float]] = {False: [], True: []}
    for paused in (False, True):
        for _ in range(samples):
            if paused:
                time.sleep(0.02)
            started = time.perf_counter()
            query()
            timings[paused].append((time.perf_counter() - started) * 1000)
    return statistics.median(timings[False]), statistics.median(timings[True])
