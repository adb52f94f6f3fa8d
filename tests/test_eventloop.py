"""The process's event loop thread: results, exceptions, cancellation, a new loop after fork."""

from __future__ import annotations

import asyncio
import threading

import pytest

from django_llmshop.eventloop import LoopThread


async def thread_name() -> str:
    await asyncio.sleep(0)
    return threading.current_thread().name


def test_run_gives_the_result_from_the_loop_thread():
    loops = LoopThread("test-loop")
    assert loops.running() is None
    assert loops.run(thread_name()) == "test-loop"
    assert loops.running() is loops.loop()


def test_run_raises_the_coroutines_exception():
    async def fail() -> None:
        raise ValueError("bad chunk")

    with pytest.raises(ValueError, match="bad chunk"):
        LoopThread("test-loop").run(fail())


def test_a_caller_that_stops_waiting_cancels_the_coroutine(monkeypatch):
    loops = LoopThread("test-loop")
    started, cleaned_up = threading.Event(), threading.Event()

    async def long_stream() -> None:
        started.set()
        try:
            await asyncio.sleep(60)
        finally:
            cleaned_up.set()

    def interrupted(self, timeout=None):
        started.wait(5)
        raise KeyboardInterrupt

    monkeypatch.setattr("concurrent.futures.Future.result", interrupted)
    with pytest.raises(KeyboardInterrupt):
        loops.run(long_stream())
    assert cleaned_up.wait(5)


def test_submit_without_a_running_loop_closes_the_coroutine():
    ran = []

    async def job() -> None:
        ran.append(True)

    coroutine = job()
    LoopThread("test-loop").submit(coroutine)
    assert coroutine.cr_frame is None and not ran  # closed, never started


def test_a_forked_process_gets_a_loop_of_its_own(monkeypatch):
    loops = LoopThread("test-loop")
    first = loops.loop()
    monkeypatch.setattr("os.getpid", lambda: -1)
    assert loops.running() is None
    second = loops.loop()
    assert second is not first and second.is_running()
