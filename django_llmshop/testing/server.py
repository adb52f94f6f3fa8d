"""FakeLLMServer: an OpenAI-compatible HTTP server on a loopback port, scripted by tests."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque
from types import TracebackType
from typing import Self

from django_llmshop.testing import endpoints, payloads
from django_llmshop.testing.http1 import MAX_HEAD_BYTES, BadRequest, Connection, Request
from django_llmshop.testing.recorded import Endpoint, RecordedRequest, Responder, record_request
from django_llmshop.testing.replies import Reply

logger = logging.getLogger(__name__)


class FakeLLMServer:
    """An OpenAI-compatible endpoint in a background thread; use it as a context manager.

    Chat completions answer with the scripted replies in order (`add`), then with
    `responder(request)` when it returns a Reply, then with `default`.
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
    ) -> None:
        self.model = model
        self.embedding_dim = embedding_dim
        self.host = host
        self.latency = latency
        self.default: Reply = default or Reply.echo()
        self.responder: Responder | None = None
        self._initial = (latency, self.default)
        self._requested_port = port
        self._port: int | None = None
        self._lock = threading.Lock()
        self._scripts: dict[Endpoint, deque[Reply]] = {"chat": deque(), "embeddings": deque()}
        self._requests: list[RecordedRequest] = []
        self._in_flight = 0
        self._peak = 0
        self._opened = 0
        self._open = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # -- control, from the test's thread -------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeLLMServer is not running; call start() or use `with`")
        return self._port

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
    def connections_opened(self) -> int:
        """TCP connections accepted since start (or the last reset)."""
        with self._lock:
            return self._opened

    @property
    def connections_open(self) -> int:
        with self._lock:
            return self._open

    @property
    def peak_in_flight(self) -> int:
        """The most requests answered at once since start (or ``reset_peak``)."""
        with self._lock:
            return self._peak

    def reset_peak(self) -> None:
        with self._lock:
            self._peak = self._in_flight

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
            self._peak = self._in_flight
            self.latency, self.default = self._initial
            self.responder = None

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("FakeLLMServer is already running")
        ready = threading.Event()
        errors: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(ready, errors), name="FakeLLMServer", daemon=True
        )
        self._thread.start()
        ready.wait()
        if errors:
            self._thread.join()
            self._thread = None
            raise errors[0]
        return self

    def stop(self) -> None:
        """Close the listening socket and every connection, then join the thread."""
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None:
            return
        if loop is not None and stopping is not None:
            with contextlib.suppress(RuntimeError):  # the loop already closed on its own
                loop.call_soon_threadsafe(stopping.set)
        thread.join(timeout=10)
        self._thread = self._loop = self._stopping = None
        self._port = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.base_url if self._port is not None else "stopped"
        return f"<FakeLLMServer {self.model} {where}>"

    # -- the event loop thread ------------------------------------------------------------

    def _run(self, ready: threading.Event, errors: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self._serve(ready, errors))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()

    async def _serve(self, ready: threading.Event, errors: list[BaseException]) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        try:
            server = await asyncio.start_server(
                self._on_connection,
                self.host,
                self._requested_port,
                backlog=2048,
                limit=MAX_HEAD_BYTES,
            )
        except OSError as exc:
            errors.append(exc)
            ready.set()
            return
        self._port = server.sockets[0].getsockname()[1]
        ready.set()
        await self._stopping.wait()
        server.close()
        # Two rounds: a connection accepted just before close() starts its task a bit later.
        for _ in range(2):
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            if tasks:
                await asyncio.wait(tasks, timeout=5)
            await asyncio.sleep(0)
        try:
            await asyncio.wait_for(server.wait_closed(), timeout=5)
        except TimeoutError:
            logger.warning("FakeLLMServer: connections still open after stop()")

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        with self._lock:
            self._opened += 1
            self._open += 1
        conn = Connection(reader, writer)
        try:
            while True:
                try:
                    request = await conn.read_request()
                except BadRequest as exc:
                    await endpoints.send_error(conn, exc.status, str(exc), False)
                    break
                if request is None or not await self._respond(conn, request):
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the client went away, or sent something unreadable mid-body
        except asyncio.CancelledError:
            pass  # stop() cancels; ending quietly keeps asyncio 3.11 from logging the cancel
        finally:
            self._tasks.discard(task)
            with self._lock:
                self._open -= 1
            conn.close()

    async def _respond(self, conn: Connection, request: Request) -> bool:
        """Answer one request, counting requests in flight; True to keep the connection."""
        with self._lock:
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)
        try:
            return await self._answer(conn, request)
        finally:
            with self._lock:
                self._in_flight -= 1

    async def _answer(self, conn: Connection, request: Request) -> bool:
        record = record_request(request)
        with self._lock:
            self._requests.append(record)
        keep = request.keep_alive
        if self.latency > 0:
            await asyncio.sleep(self.latency)
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
