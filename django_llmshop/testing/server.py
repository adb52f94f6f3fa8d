"""FakeLLMServer: an OpenAI-compatible HTTP server on a loopback port, scripted by tests."""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from django_llmshop.testing import endpoints, payloads
from django_llmshop.testing.http1 import Connection, Request
from django_llmshop.testing.load import Load, LoadStats
from django_llmshop.testing.loopserver import LoopServer
from django_llmshop.testing.recorded import Endpoint, RecordedRequest, Responder, record_request
from django_llmshop.testing.replies import Reply

logger = logging.getLogger(__name__)


class FakeLLMServer(LoopServer):
    """An OpenAI-compatible endpoint in a background thread; use it as a context manager.

    Chat completions answer with the scripted replies in order (`add`), then with
    `responder(request)` when it returns a Reply, then with `default`.

    Load (see :class:`~django_llmshop.testing.load.Load`): ``latency_sigma`` spreads the waits
    lognormally around the mean ``latency``, ``seed`` makes them repeat; with ``max_in_flight``
    a request arriving while that many are being answered gets 429 at once, with Retry-After
    ``retry_after`` seconds.
    """

    def __init__(
        self,
        *,
        model: str = "fake-model",
        latency: float = 0.0,
        embedding_dim: int = 64,
        default: Reply | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_sigma: float = 0.0,
        max_in_flight: int | None = None,
        retry_after: float = 1.0,
        seed: int | None = None,
    ) -> None:
        super().__init__(host, port)
        self.model = model
        self.embedding_dim = embedding_dim
        self.latency = latency
        self.default: Reply = default or Reply.echo()
        self.responder: Responder | None = None
        self._initial = (latency, self.default)
        self._scripts: dict[Endpoint, deque[Reply]] = {"chat": deque(), "embeddings": deque()}
        self._requests: list[RecordedRequest] = []
        self.load = Load(
            latency_sigma=latency_sigma,
            max_in_flight=max_in_flight,
            retry_after=retry_after,
            seed=seed,
        )

    # -- control, from the test's thread -------------------------------------------------

    @property
    def base_url(self) -> str:
        """The OpenAI base URL, e.g. "http://127.0.0.1:PORT/v1"."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/v1"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the requests received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def peak_in_flight(self) -> int:
        """The most requests answered at once since start (or ``reset_peak``)."""
        return self.load.peak_in_flight

    def reset_peak(self) -> None:
        self.load.reset_peak()

    def stats(self) -> LoadStats:
        """Answers, refusals, peak in flight and mean latency served, since start or reset."""
        return self.load.stats()

    @property
    def pending(self) -> int:
        """Scripted replies not used yet."""
        with self._lock:
            return sum(len(script) for script in self._scripts.values())

    def add(self, *replies: Reply, endpoint: Endpoint = "chat") -> None:
        """Queue replies for chat completions, or for embeddings (errors and faults only)."""
        for reply in replies:
            if not isinstance(reply, Reply):
                raise TypeError(f"expected a Reply, got {type(reply).__name__}")
        with self._lock:
            self._scripts[endpoint].extend(replies)

    def reset(self) -> None:
        """Forget scripts, records and counters; restore responder, default and latency."""
        with self._lock:
            for script in self._scripts.values():
                script.clear()
            self._requests.clear()
            self._opened = 0
            self.load.reset()
            self.latency, self.default = self._initial
            self.responder = None

    async def _respond(self, conn: Connection, request: Request) -> bool:
        """Answer one request, counting requests in flight; True to keep the connection."""
        record = record_request(request)
        with self._lock:
            self._requests.append(record)
        if not self.load.admit():
            return await endpoints.send_busy(conn, self.load.refusal_headers(), request.keep_alive)
        try:
            return await self._answer(conn, request, record)
        finally:
            self.load.release()

    async def _answer(self, conn: Connection, request: Request, record: RecordedRequest) -> bool:
        keep = request.keep_alive
        wait = self.load.wait(self.latency)
        if wait > 0:
            await asyncio.sleep(wait)
        path, method = request.path, endpoints.ROUTES.get(request.path)
        if method is None:
            return await endpoints.send_error(
                conn, 404, f"Unknown path {path}", keep, code="not_found"
            )
        if request.method != method:
            return await endpoints.send_error(conn, 405, f"Use {method} on {path}.", keep)
        body = record.json
        if method == "POST" and not isinstance(body, dict):
            return await endpoints.send_error(conn, 400, "The body must be a JSON object.", keep)
        try:
            if path == "/v1/chat/completions":
                return await endpoints.chat(
                    conn, request, body, lambda: self._next_chat_reply(record), self.model
                )
            if path == "/v1/embeddings":
                return await endpoints.embeddings(
                    conn, request, body, self._next_embeddings_reply, self.model, self.embedding_dim
                )
            return await endpoints.send_json(conn, 200, payloads.models(self.model), keep)
        except (ConnectionError, asyncio.IncompleteReadError):
            raise
        except Exception as exc:  # noqa: BLE001 - a failing responder must get a 500, not a hang
            logger.exception("FakeLLMServer could not answer %s %s", request.method, path)
            if conn.head_sent:
                return False
            return await endpoints.send_error(
                conn, 500, f"FakeLLMServer failed: {exc!r}", False, kind="server_error"
            )

    def _next_chat_reply(self, record: RecordedRequest) -> Reply:
        with self._lock:
            if self._scripts["chat"]:
                return self._scripts["chat"].popleft()
        responder = self.responder
        reply = responder(record) if responder is not None else None
        return reply if reply is not None else self.default

    def _next_embeddings_reply(self) -> Reply | None:
        with self._lock:
            script = self._scripts["embeddings"]
            return script.popleft() if script else None
