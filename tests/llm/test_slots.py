"""How a shared slot passes between the calls of one event loop (no Redis: a counting fake)."""

from __future__ import annotations

import asyncio

import httpx

from django_llmshop.llm.limiter import Lease, SharedLimits
from django_llmshop.llm.slots import LOCAL_PASSES, AsyncSlots

REQUEST = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions", content=b"{}")


class CountingLimiter:
    """Stands in for a SharedLimiter and its asyncio view; counts what reaches "Redis"."""

    def __init__(self, limits: SharedLimits, *, share: int = 1) -> None:
        self.limits = limits
        self.passes_locally = True
        self.share = share  # this process's fair share of the slots, as Redis would tell
        self.acquired: list[Lease] = []
        self.released: list[Lease] = []

    def for_asyncio(self) -> CountingLimiter:
        return self

    async def acquire(self, tokens: int, timeout: float) -> Lease:
        lease = Lease(f"holder-{len(self.acquired)}", 0, tokens, share=self.share)
        self.acquired.append(lease)
        return lease

    async def release(self, lease: Lease) -> None:
        self.released.append(lease)

    async def renew(self, lease: Lease) -> None:
        pass

    async def aclose(self) -> None:
        pass


def test_a_slot_serves_a_few_calls_of_its_loop_then_returns_to_the_shared_queue() -> None:
    shared = CountingLimiter(SharedLimits("test", concurrency=1))

    async def run() -> list[Lease | None]:
        slots = AsyncSlots(None, shared, wait=5)  # type: ignore[arg-type]
        held = await slots.take(REQUEST)
        served = [held]
        for _ in range(LOCAL_PASSES + 1):
            waiting = asyncio.ensure_future(slots.take(REQUEST))
            await asyncio.sleep(0)  # it now waits for a slot of this loop
            await slots.give_back(held)
            held = await waiting
            served.append(held)
        await slots.give_back(held)
        return served

    served = asyncio.run(run())
    first = served[0]
    assert served[: LOCAL_PASSES + 1] == [first] * (LOCAL_PASSES + 1)  # passed on 4 times
    assert shared.released[0] is first  # then back to the queue shared by all processes
    assert served[-1] is not first and served[-1] is shared.acquired[1]
    assert len(shared.acquired) == len(shared.released) == 2


def test_a_cancelled_local_wait_passes_the_slot_on_or_back() -> None:
    shared = CountingLimiter(SharedLimits("test", concurrency=1))

    async def run() -> None:
        slots = AsyncSlots(None, shared, wait=5)  # type: ignore[arg-type]
        held = await slots.take(REQUEST)
        waiting = asyncio.ensure_future(slots.take(REQUEST))
        await asyncio.sleep(0)
        await slots.give_back(held)  # passed to the waiter...
        waiting.cancel()  # ...which is cancelled before it runs
        await asyncio.gather(waiting, return_exceptions=True)

    asyncio.run(run())
    assert shared.released == shared.acquired  # the slot went back, not lost


def test_a_slot_held_beyond_the_process_share_goes_back_to_the_shared_queue() -> None:
    shared = CountingLimiter(SharedLimits("test", concurrency=2), share=1)

    async def run() -> Lease | None:
        slots = AsyncSlots(None, shared, wait=5)  # type: ignore[arg-type]
        first = await slots.take(REQUEST)
        waiting = asyncio.ensure_future(slots.take(REQUEST))  # for the slot of this loop
        await asyncio.sleep(0)
        second = await slots.take(REQUEST)  # from "Redis": one waiter per slot here at most
        await slots.give_back(first)  # two held, one more than the share: back to "Redis"
        assert shared.released == [first] and not waiting.done()
        await slots.give_back(second)  # within the share now: passed on
        passed = await waiting
        await slots.give_back(passed)
        return passed

    assert asyncio.run(run()) is shared.acquired[1]
    assert len(shared.acquired) == 2 and shared.released == shared.acquired
