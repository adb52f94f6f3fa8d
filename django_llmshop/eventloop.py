"""One asyncio event loop per process, in a daemon thread of its own, for sync code to use.

A Celery worker runs each task in a thread (or a process) of its own; a reply that streams for
a minute would hold that thread busy reading its socket token by token. With many replies at
once, those threads wake each other for every token and spend the worker's CPU taking turns at
the interpreter. Sync code hands the streaming part to this loop instead: one thread reads every
stream of the process, and the task's thread only waits for the result::

    result = process_loop().run(coroutine)

The loop is made on first use, and again in a process forked after that (a forked child has
the parent's objects but not its threads). It is a uvloop loop where uvloop is installed (as
uvicorn picks one): each socket read of a stream costs the loop about half the CPU.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A uvloop event loop if uvloop is installed, else asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


class LoopThread:
    """An event loop running for ever in a daemon thread; ``run`` waits for a coroutine on it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def loop(self) -> asyncio.AbstractEventLoop:
        """The running loop, started now if this process has none yet."""
        loop = self._loop
        if loop is not None and self._pid == os.getpid():
            return loop
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                ready = threading.Event()
                new_loop = new_event_loop()

                def serve() -> None:
                    asyncio.set_event_loop(new_loop)
                    new_loop.call_soon(ready.set)
                    new_loop.run_forever()

                threading.Thread(target=serve, name=self.name, daemon=True).start()
                ready.wait()
                self._loop, self._pid = new_loop, os.getpid()
            return self._loop

    def running(self) -> asyncio.AbstractEventLoop | None:
        """This process's loop if it was started, else None (nothing is started)."""
        return self._loop if self._pid == os.getpid() else None

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the loop and return its result (or raise its exception).

        Should the waiting thread be interrupted, the coroutine is cancelled, so that its
        ``finally`` blocks run and nothing keeps going for a caller that left.
        """
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop())
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def submit(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        """Start ``coroutine`` on the loop if it runs, without waiting; else close it unrun."""
        loop = self.running()
        if loop is None or loop.is_closed():
            coroutine.close()
            return
        asyncio.run_coroutine_threadsafe(coroutine, loop)


_process_loop = LoopThread("llmshop-event-loop")


def process_loop() -> LoopThread:
    """The process's shared loop thread."""
    return _process_loop
