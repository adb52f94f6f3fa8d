"""Many model calls at once from synchronous code (a Celery task), with the database kept here.

The calls run on an event loop in a helper thread, at most the endpoint's MAX_CONCURRENCY in
flight. Everything that touches the database stays in the calling thread: preparing each task
(the caller's iterator is consumed here, one task at a time, while earlier calls are already in
flight), storing each result the moment it arrives, writing the call log, and holding each
call's cost in the budgets before it starts. So results land inside the caller's own connection
and transaction rules, and the endpoint is kept busy while the caller works.

The loop thread speaks to the calling thread only through events: a :class:`Result` per task,
a :class:`Reserve` before each model call (its budget hold, answered through a future), a
:class:`Record` per model call (for the call log) and one :class:`Done` as it ends.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django_llmshop.budgets import Hold, hold_for_call
from django_llmshop.conf import llmshop_settings
from django_llmshop.gateway import AsyncPurposeLLM, check_budget, write_call_record
from django_llmshop.llm import BudgetExceededError, CallRecord, LLMError

K = TypeVar("K")
Task = Callable[[AsyncPurposeLLM], Awaitable[Any]]


@dataclass(frozen=True)
class Result:
    """A task finished: its return value, or the exception it raised."""

    key: Any
    value: Any


@dataclass(frozen=True)
class Record:
    """A model call finished: its call-log record, to be written in the calling thread."""

    record: CallRecord


@dataclass(frozen=True)
class Reserve:
    """A model call is about to start: hold its cost in the budgets, from the calling thread."""

    messages: Sequence[Mapping[str, Any]] | None
    inputs: Sequence[str] | None
    kwargs: Mapping[str, Any] | None
    answer: concurrent.futures.Future[Hold | None]


@dataclass(frozen=True)
class Done:
    """The loop thread ended; ``failure`` is what stopped it, if anything did."""

    failure: BaseException | None = None


Event = Result | Record | Reserve | Done


class Batch(Generic[K]):
    """One run of :func:`run_batch`: the loop thread's side and the calling thread's side."""

    def __init__(self, purpose: str, on_result: Callable[[K, Any], None]) -> None:
        self.purpose = purpose
        self.on_result = on_result
        self.endpoint = llmshop_settings.endpoint_for(purpose)
        self.events: queue.Queue[Event] = queue.Queue()
        self.stop = threading.Event()  # the budget ran out: start no more calls
        self.started = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.inbox: asyncio.Queue[tuple[K, Task] | None] | None = None
        self.done = False
        self.done_soon = False  # the loop closed before this thread saw its Done event
        self.failure: BaseException | None = None

    def run(self, tasks: Iterable[tuple[K, Task]]) -> None:
        """Submit ``tasks`` as they come, handle events meanwhile, and wait for the last one."""
        check_budget(self.purpose)
        thread = threading.Thread(
            target=self._loop_thread, name=f"llmshop-batch-{self.purpose}", daemon=True
        )
        thread.start()
        self.started.wait()
        try:
            for item in tasks:
                if self.done or self.done_soon:  # the loop thread stopped: leave the rest unstarted
                    break
                self._submit(item)
                self._drain(block=False)  # store what has finished meanwhile, without waiting
        finally:
            self._submit(None)
            self._drain(block=True)
            thread.join()
        if self.failure is not None:
            raise self.failure

    # --- the loop thread ---------------------------------------------------------------------

    def _loop_thread(self) -> None:
        failure: BaseException | None = None
        try:
            asyncio.run(self._run_all())
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread, re-raised there
            failure = exc
        finally:
            self.started.set()
            self.events.put(Done(failure))

    async def _run_all(self) -> None:
        inbox: asyncio.Queue[tuple[K, Task] | None] = asyncio.Queue()
        self.loop, self.inbox = asyncio.get_running_loop(), inbox
        self.started.set()
        sink = self._record
        async with AsyncPurposeLLM(self.purpose, record_sink=sink, reserver=self._hold) as llm:
            limit = asyncio.Semaphore(max(1, self.endpoint.max_concurrency))
            running: set[asyncio.Task[None]] = set()
            while (item := await inbox.get()) is not None:
                await limit.acquire()
                job = asyncio.create_task(self._run_one(llm, limit, *item))
                running.add(job)
                job.add_done_callback(running.discard)
            if running:
                await asyncio.gather(*running)

    def _record(self, record: CallRecord) -> None:
        self.events.put(Record(record))

    async def _hold(
        self,
        messages: Sequence[Mapping[str, Any]] | None,
        inputs: Sequence[str] | None,
        kwargs: Mapping[str, Any] | None,
    ) -> Hold | None:
        answer: concurrent.futures.Future[Hold | None] = concurrent.futures.Future()
        self.events.put(Reserve(messages, inputs, kwargs, answer))
        return await asyncio.wrap_future(answer)

    async def _run_one(
        self, llm: AsyncPurposeLLM, limit: asyncio.Semaphore, key: K, task: Task
    ) -> None:
        value: Any
        try:
            if self.stop.is_set():
                value = BudgetExceededError(f"The daily budget for {self.purpose!r} is used up.")
            else:
                value = await task(llm)
        except LLMError as exc:
            value = exc
        except Exception as exc:  # noqa: BLE001 - handed to on_result, which fails the item
            value = exc
        finally:
            limit.release()
        self.events.put(Result(key, value))

    # --- the calling thread ------------------------------------------------------------------

    def _submit(self, item: tuple[K, Task] | None) -> None:
        if self.loop is not None and self.inbox is not None and not self.done:
            try:
                self.loop.call_soon_threadsafe(self.inbox.put_nowait, item)
            except RuntimeError:  # the loop already closed: its Done event says why
                self.done_soon = True

    def _drain(self, *, block: bool) -> None:
        while not self.done:
            try:
                event = self.events.get(block=block)
            except queue.Empty:
                return
            self._handle(event)

    def _handle(self, event: Event) -> None:
        if isinstance(event, Record):
            write_call_record(event.record)
        elif isinstance(event, Reserve):
            try:
                hold = hold_for_call(
                    self.purpose, self.endpoint, event.messages, event.inputs, event.kwargs
                )
            except Exception as exc:  # noqa: BLE001 - raised in the task whose call it is
                event.answer.set_exception(exc)
            else:
                event.answer.set_result(hold)
        elif isinstance(event, Done):
            self.done = True
            self.failure = self.failure or event.failure
        else:
            self.on_result(event.key, event.value)
            try:
                check_budget(self.purpose)
            except BudgetExceededError:
                self.stop.set()


def run_batch(
    purpose: str, tasks: Iterable[tuple[K, Task]], on_result: Callable[[K, Any], None]
) -> None:
    """Run ``tasks`` concurrently; ``on_result(key, value)`` gets each return value, or the
    exception the task raised (an ``LLMError``, or anything else that went wrong with it).

    When the purpose's daily budget runs out, the tasks not yet started end with
    ``BudgetExceededError`` instead of calling the model.
    """
    Batch(purpose, on_result).run(tasks)
