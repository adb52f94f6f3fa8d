"""Many model calls at once from synchronous code (a Celery task), with the database kept here.

The calls run on an event loop in a helper thread, at most the endpoint's MAX_CONCURRENCY in
flight. Everything that touches the database stays in the calling thread: preparing each task
(the caller's iterator is consumed here, one task at a time, while earlier calls are already in
flight), storing each result the moment it arrives, writing the call log and checking the
budget. So results land inside the caller's own connection and transaction rules, and the
endpoint is kept busy while the caller works.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from django_llmshop.conf import llmshop_settings
from django_llmshop.gateway import AsyncPurposeLLM, check_budget, write_call_record
from django_llmshop.llm import BudgetExceededError, CallRecord, LLMError

K = TypeVar("K")
Task = Callable[[AsyncPurposeLLM], Awaitable[Any]]
_END = object()


def run_batch(
    purpose: str, tasks: Iterable[tuple[K, Task]], on_result: Callable[[K, Any], None]
) -> None:
    """Run ``tasks`` concurrently; ``on_result(key, value)`` gets each return value, or the
    exception the task raised (an ``LLMError``, or anything else that went wrong with it).

    When the purpose's daily budget runs out, the tasks not yet started end with
    ``BudgetExceededError`` instead of calling the model.
    """
    check_budget(purpose)
    endpoint = llmshop_settings.endpoint_for(purpose)
    events: queue.Queue[Any] = queue.Queue()
    stop = threading.Event()
    started = threading.Event()
    box: dict[str, Any] = {}

    async def run_all() -> None:
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        box["loop"], box["inbox"] = asyncio.get_running_loop(), inbox
        started.set()
        async with AsyncPurposeLLM(purpose, record_sink=events.put) as llm:
            limit = asyncio.Semaphore(max(1, endpoint.max_concurrency))
            running: set[asyncio.Task[None]] = set()

            async def run_one(key: K, task: Task) -> None:
                value: Any
                try:
                    if stop.is_set():
                        value = BudgetExceededError(f"The daily budget for {purpose!r} is used up.")
                    else:
                        value = await task(llm)
                except LLMError as exc:
                    value = exc
                except Exception as exc:  # noqa: BLE001 - handed to on_result, which fails the item
                    value = exc
                finally:
                    limit.release()
                events.put((key, value))

            while (item := await inbox.get()) is not _END:
                await limit.acquire()
                job = asyncio.create_task(run_one(*item))
                running.add(job)
                job.add_done_callback(running.discard)
            if running:
                await asyncio.gather(*running)

    def loop_thread() -> None:
        try:
            asyncio.run(run_all())
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread, re-raised there
            events.put(exc)
        finally:
            started.set()
            events.put(_END)

    thread = threading.Thread(target=loop_thread, name=f"llmshop-batch-{purpose}", daemon=True)
    thread.start()
    started.wait()
    failure: list[BaseException] = []

    def handle(event: Any) -> None:
        if isinstance(event, CallRecord):
            write_call_record(event)
        elif isinstance(event, BaseException):
            failure.append(event)
        else:
            on_result(*event)
            try:
                check_budget(purpose)
            except BudgetExceededError:
                stop.set()

    def submit(item: Any) -> None:
        if "loop" in box:
            box["loop"].call_soon_threadsafe(box["inbox"].put_nowait, item)

    try:
        for item in tasks:
            submit(item)
            while True:  # store what has finished meanwhile, without waiting
                try:
                    event = events.get_nowait()
                except queue.Empty:
                    break
                if event is _END:
                    events.put(_END)
                    break
                handle(event)
    finally:
        submit(_END)
        while (event := events.get()) is not _END:
            handle(event)
        thread.join()
    if failure:
        raise failure[0]
