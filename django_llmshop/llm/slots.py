"""The slot a request holds while in flight: one of the process's own ``max_concurrency``, then
(with a :class:`~.limiter.SharedLimiter`) room in the endpoint's limits shared by all processes.

Every ``take`` is paired with one ``give_back`` by the clients, in ``finally`` blocks, so an
error, a cancelled task or a stream closed half-way frees both.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque

import httpx

from .errors import EndpointBusyError
from .limiter import Lease, SharedLimiter
from .limiter_aio import AsyncSharedLimiter
from .types import Usage

#: Bytes of request body per token, for the estimate counted until the usage is known.
BYTES_PER_TOKEN = 4
#: Further calls of one event loop a shared slot may serve in a row (see :class:`AsyncSlots`).
LOCAL_PASSES = 4


def estimate_request_tokens(request: httpx.Request) -> int:
    """A rough token count of a request body (JSON framing included: it errs on the high side)."""
    return len(request.content) // BYTES_PER_TOKEN


class Slots:
    """Slots for threads; ``wait`` bounds the wait for the shared limits, in seconds."""

    def __init__(
        self, max_concurrency: int | None, limiter: SharedLimiter | None, wait: float
    ) -> None:
        self._local = threading.BoundedSemaphore(max_concurrency) if max_concurrency else None
        self.limiter = limiter
        self.wait = wait

    def take(self, request: httpx.Request) -> Lease | None:
        if self._local is not None:
            self._local.acquire()
        if self.limiter is None:
            return None
        try:
            return self.limiter.acquire(estimate_request_tokens(request), self.wait)
        except BaseException:
            if self._local is not None:
                self._local.release()
            raise

    def give_back(self, lease: Lease | None) -> None:
        try:
            if lease is not None and self.limiter is not None:
                self.limiter.release(lease)
        finally:
            if self._local is not None:
                self._local.release()

    def renew(self, lease: Lease | None) -> None:
        if lease is not None and self.limiter is not None:
            self.limiter.renew(lease)

    def settle(self, lease: Lease | None, usage: Usage) -> None:
        if lease is not None and self.limiter is not None:
            self.limiter.settle(lease, usage.total_tokens)


class AsyncSlots:
    """:class:`Slots` for one event loop, with its own Redis connections; ``aclose()`` them.

    A shared slot that a call gives back passes straight to a call of this loop waiting for one,
    up to :data:`LOCAL_PASSES` times in a row, before it goes back to the queue that all
    processes share: a busy batch skips two Redis round trips, and a wake-up in another process,
    for most calls. A slot passes only while this loop holds no more than its fair share of the
    slots (``Lease.share``, from Redis): beyond that it goes back to the queue at once, so no
    process runs ahead of the others with more than its share (and is then left alone with its
    work at the end, under its own ``max_concurrency``). Only calls that a passing slot is sure
    to reach wait here; the others queue in Redis.
    """

    def __init__(
        self, max_concurrency: int | None, limiter: SharedLimiter | None, wait: float
    ) -> None:
        self._local = asyncio.Semaphore(max_concurrency) if max_concurrency else None
        self.limiter: AsyncSharedLimiter | None = limiter.for_asyncio() if limiter else None
        self.wait = wait
        self._pass = limiter is not None and limiter.passes_locally
        self._passable = 0  # slots held here that may still pass to another call
        self._held = 0  # shared slots held here
        self._share = 0  # the most this loop may hold and still pass one on
        self._waiters: deque[asyncio.Future[Lease | None]] = deque()
        self._renewals: set[asyncio.Task[None]] = set()

    async def take(self, request: httpx.Request) -> Lease | None:
        if self._local is not None:
            await self._local.acquire()
        if self.limiter is None:
            return None
        try:
            lease = await self._passed_on() if len(self._waiters) < self._passable else None
            if lease is None:
                lease = await self.limiter.acquire(estimate_request_tokens(request), self.wait)
                if lease is not None and self._pass:
                    self._passable += 1
                    self._held += 1
                    self._share = lease.share
            return lease
        except BaseException:
            if self._local is not None:
                self._local.release()
            raise

    async def _passed_on(self) -> Lease | None:
        """A slot passed on by a call of this loop; ``None``: queue in Redis after all."""
        waiter: asyncio.Future[Lease | None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait((waiter,), timeout=self.wait)
        except BaseException:  # cancelled: a slot passed on meanwhile goes on, or back
            if waiter.done() and (passed := waiter.result()) is not None:
                await asyncio.shield(self._give_back_shared(passed))
            raise
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
        if not waiter.done():
            raise EndpointBusyError(
                f"waited {self.wait:.1f}s for a slot of this process", waited=self.wait
            )
        lease = waiter.result()
        if lease is not None and self._lease_runs_short(lease):
            lease.renewed = float("-inf")  # renew now, off the way of the call
            renewal = asyncio.ensure_future(self.renew(lease))
            self._renewals.add(renewal)
            renewal.add_done_callback(self._renewals.discard)
        return lease

    def _lease_runs_short(self, lease: Lease) -> bool:
        """Whether a passed-on lease might end before the call that now holds it (up to
        ``wait`` long) does."""
        limits = self.limiter.limits if self.limiter is not None else None
        return (
            limits is not None and time.monotonic() - lease.renewed > (limits.lease - self.wait) / 2
        )

    async def _give_back_shared(self, lease: Lease) -> None:
        if self._pass and lease.passes < LOCAL_PASSES:
            while self._held <= self._share and self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.done():
                    lease.passes += 1
                    if lease.passes == LOCAL_PASSES:
                        self._passable -= 1
                        self._send_extra_waiters_to_redis()
                    waiter.set_result(lease)
                    return
            self._passable -= 1
            self._send_extra_waiters_to_redis()
        if self._pass:
            self._held -= 1
        if self.limiter is not None:
            # Shielded: a task cancelled while releasing must still free the shared slot.
            await asyncio.shield(self.limiter.release(lease))

    def _send_extra_waiters_to_redis(self) -> None:
        while len(self._waiters) > self._passable:
            waiter = self._waiters.pop()  # the newest: the oldest keep their turn here
            if not waiter.done():
                waiter.set_result(None)

    async def give_back(self, lease: Lease | None) -> None:
        try:
            if lease is not None and self.limiter is not None:
                await self._give_back_shared(lease)
        finally:
            if self._local is not None:
                self._local.release()

    async def renew(self, lease: Lease | None) -> None:
        if lease is not None and self.limiter is not None:
            await self.limiter.renew(lease)

    async def settle(self, lease: Lease | None, usage: Usage) -> None:
        if lease is not None and self.limiter is not None:
            await self.limiter.settle(lease, usage.total_tokens)

    async def aclose(self) -> None:
        if self._renewals:
            await asyncio.gather(*self._renewals, return_exceptions=True)
        if self.limiter is not None:
            await self.limiter.aclose()
