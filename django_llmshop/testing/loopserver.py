"""The fake server's plumbing: an asyncio server on a loopback port, run in a background thread."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from types import TracebackType
from typing import Self

from django_llmshop.testing import endpoints
from django_llmshop.testing.http1 import MAX_HEAD_BYTES, BadRequest, Connection, Request

logger = logging.getLogger(__name__)


class LoopServer:
    """Accepts HTTP/1.1 connections in its own thread and hands each request to ``_respond``."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self._requested_port = port
        self._port: int | None = None
        self._lock = threading.Lock()
        self._opened = 0
        self._open = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def _respond(self, conn: Connection, request: Request) -> bool:
        """Answer one request; True to keep the connection for the next one."""
        raise NotImplementedError

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not running; call start() or use `with`")
        return self._port

    @property
    def connections_opened(self) -> int:
        """TCP connections accepted since start (or the last reset)."""
        with self._lock:
            return self._opened

    @property
    def connections_open(self) -> int:
        with self._lock:
            return self._open

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError(f"{type(self).__name__} is already running")
        ready = threading.Event()
        errors: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(ready, errors), name=type(self).__name__, daemon=True
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
            logger.warning("%s: connections still open after stop()", type(self).__name__)

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
