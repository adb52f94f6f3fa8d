"""A real HTTP server on the loopback, in a thread, that records the webhooks it receives."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    """Answers each POST with the next of ``statuses`` (then ``default_status``)."""

    def __init__(self, statuses: list[int] | None = None, default_status: int = 200) -> None:
        self.statuses = list(statuses or [])
        self.default_status = default_status
        self.received: list[Received] = []
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._changed:
                    status = receiver.statuses.pop(0) if receiver.statuses else None
                    receiver.received.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    receiver._changed.notify_all()
                self.send_response(status or receiver.default_status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hooks/handoff"

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """The requests received, once there are at least ``count`` (else an assertion)."""
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self.received) >= count, timeout)
        assert arrived, f"{len(self.received)} of {count} webhook requests arrived"
        return list(self.received)


@contextmanager
def webhook_receiver(
    statuses: list[int] | None = None, default_status: int = 200
) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(statuses, default_status)
    receiver.thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
