"""The slot a request holds while in flight: one of the process's own ``max_concurrency``, then
(with a :class:`~.limiter.SharedLimiter`) room in the endpoint's limits shared by all processes.

Every ``take`` is paired with one ``give_back`` by the clients, in ``finally`` blocks, so an
error, a cancelled task or a stream closed half-way frees both.
"""

from __future__ import annotations

import asyncio
import threading

import httpx

from .limiter import Lease, SharedLimiter
from .limiter_aio import AsyncSharedLimiter
from .types import Usage

#: Bytes of request body per token, for the estimate counted until the usage is known.
BYTES_PER_TOKEN = 4


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
    """:class:`Slots` for one event loop, with its own Redis connections; ``aclose()`` them."""

    def __init__(
        self, max_concurrency: int | None, limiter: SharedLimiter | None, wait: float
    ) -> None:
        self._local = asyncio.Semaphore(max_concurrency) if max_concurrency else None
        self.limiter: AsyncSharedLimiter | None = limiter.for_asyncio() if limiter else None
        self.wait = wait

    async def take(self, request: httpx.Request) -> Lease | None:
        if self._local is not None:
            await self._local.acquire()
        if self.limiter is None:
            return None
        try:
            return await self.limiter.acquire(estimate_request_tokens(request), self.wait)
        except BaseException:
            if self._local is not None:
                self._local.release()
            raise

    async def give_back(self, lease: Lease | None) -> None:
        try:
            if lease is not None and self.limiter is not None:
                # Shielded: a task cancelled while releasing must still free the shared slot.
                await asyncio.shield(self.limiter.release(lease))
        finally:
            # Only now: this process's next call, already running, then finds the slot free.
            if self._local is not None:
                self._local.release()

    async def renew(self, lease: Lease | None) -> None:
        if lease is not None and self.limiter is not None:
            await self.limiter.renew(lease)

    async def settle(self, lease: Lease | None, usage: Usage) -> None:
        if lease is not None and self.limiter is not None:
            await self.limiter.settle(lease, usage.total_tokens)

    async def aclose(self) -> None:
        if self.limiter is not None:
            await self.limiter.aclose()
