"""The LLM gateway: one shared client per endpoint, purposes, budgets and the call log.

Everything in the package that talks to a model goes through here::

    from django_llmshop.gateway import llm_for
    result = llm_for("content", obj=product).chat(messages, response_format=...)

    async with allm_for("content") as llm:          # inside a Celery task's asyncio batch
        result = await llm.chat(messages, obj=product)

Each call first holds its estimated cost against the budgets it falls under
(:mod:`django_llmshop.budgets`), and writes one ``LLMCall`` row (:mod:`django_llmshop.calllog`),
which settles the hold to the real cost. :class:`PurposeLLM` (sync) and :class:`AsyncPurposeLLM` are
siblings over one base: the sync one hands out a ``ChatStream``, the async one an
``AsyncChatStream``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections, models

# The call log's names stay importable from here, where they were before it got its module.
from django_llmshop.budgets import HOLD_KEY, Hold, hold_for_call, record_call
from django_llmshop.budgets import check_budget as check_budget
from django_llmshop.budgets import daily_limit as daily_limit
from django_llmshop.calllog import MAX_CALL_TOKENS as MAX_CALL_TOKENS
from django_llmshop.calllog import MAX_COST as MAX_COST
from django_llmshop.clients import RECORD_SINK_KEY as RECORD_SINK_KEY
from django_llmshop.clients import async_client_for_endpoint, awrite_call_record, client_kwargs
from django_llmshop.clients import client_for_endpoint as client_for_endpoint
from django_llmshop.clients import close_clients as close_clients
from django_llmshop.conf import llmshop_settings
from django_llmshop.llm import (
    AsyncChatStream,
    AsyncLLMClient,
    CallRecord,
    ChatResult,
    ChatStream,
    LLMClient,
    StreamChunk,
)
from django_llmshop.llm.streams import StreamOutcome

logger = logging.getLogger("django_llmshop.gateway")

#: Holds a call's cost for an :class:`AsyncPurposeLLM` whose owner keeps the database.
Reserver = Callable[
    [Sequence[Mapping[str, Any]] | None, Sequence[str] | None, Mapping[str, Any] | None],
    Awaitable["Hold | None"],
]

#: Writes an ``LLMCall`` row and settles the call's budget hold (the batch and the chat's
#: failure log write through this name too, so every logged cost is counted).
write_call_record = record_call


# --- the purpose-bound facades ---------------------------------------------------------------


class _PurposeBase:
    """What the sync and async gateways share: the purpose, its endpoint and the call tags."""

    def __init__(self, purpose: str, obj: models.Model | None = None) -> None:
        self.purpose = purpose
        self.obj = obj
        self.endpoint = llmshop_settings.endpoint_for(purpose)

    def _metadata(self, obj: models.Model | None, hold: Hold | None = None) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "endpoint": self.endpoint.alias,
            "obj": obj if obj is not None else self.obj,
            HOLD_KEY: hold,
        }

    def _reserve(
        self,
        messages: Sequence[Mapping[str, Any]] | None = None,
        inputs: Sequence[str] | None = None,
        kwargs: Mapping[str, Any] | None = None,
    ) -> Hold | None:
        """Hold the call's estimated cost in its budgets, or raise ``BudgetExceededError``."""
        return hold_for_call(self.purpose, self.endpoint, messages, inputs, kwargs)


class PurposeLLM(_PurposeBase):
    """The LLM for one purpose: checks the budget, tags calls for the log, uses shared clients."""

    @property
    def client(self) -> LLMClient:
        return client_for_endpoint(self.endpoint.alias)

    def chat(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        obj: models.Model | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        hold = self._reserve(messages, kwargs=kwargs)
        return self.client.chat(messages, metadata=self._metadata(obj, hold), **kwargs)

    def stream(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        obj: models.Model | None = None,
        **kwargs: Any,
    ) -> ChatStream:
        hold = self._reserve(messages, kwargs=kwargs)
        return self.client.stream(messages, metadata=self._metadata(obj, hold), **kwargs)

    def async_stream(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        records: list[CallRecord],
        obj: models.Model | None = None,
        **kwargs: Any,
    ) -> AsyncChatStream:
        """Hold the budget now, in this thread; stream later, in the process's event loop
        thread, on the endpoint's shared async client. The call's record is appended to
        ``records`` rather than written there: the caller writes it (``write_call_record``)
        from its own thread, with its own database connection, once the stream has ended."""
        hold = self._reserve(messages, kwargs=kwargs)
        metadata = {**self._metadata(obj, hold), RECORD_SINK_KEY: records.append}
        client = async_client_for_endpoint(self.endpoint.alias)
        return client.stream(messages, metadata=metadata, **kwargs)

    def embed(self, texts: Sequence[str], *, obj: models.Model | None = None) -> list[list[float]]:
        hold = self._reserve(inputs=texts)
        return self.client.embed(list(texts), metadata=self._metadata(obj, hold))


class AsyncPurposeLLM(_PurposeBase):
    """The async sibling of :class:`PurposeLLM` for batches inside one task; use ``async with``.

    An async client is bound to the event loop it runs in, so each ``async with`` block gets
    its own; the endpoint's circuit breaker and shared limiter are still shared with every
    other client. With a ``record_sink`` (see :class:`django_llmshop.batch.Batch`) call records
    go there instead of the database, and holds are asked of ``reserver`` (none without one).
    """

    def __init__(
        self,
        purpose: str,
        obj: models.Model | None = None,
        *,
        record_sink: Callable[[CallRecord], None] | None = None,
        reserver: Reserver | None = None,
    ) -> None:
        super().__init__(purpose, obj)
        self._aclient: AsyncLLMClient | None = None
        self._record_sink = record_sink
        self._reserver = reserver

    async def __aenter__(self) -> AsyncPurposeLLM:
        on_record = self._record_sink or awrite_call_record
        self._aclient = AsyncLLMClient(**client_kwargs(self.endpoint), on_record=on_record)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._aclient is not None:
            await self._aclient.aclose()
            self._aclient = None
        if self._record_sink is None:
            # The call log was written from a helper thread; release its connection.
            await sync_to_async(close_old_connections, thread_sensitive=True)()

    @property
    def aclient(self) -> AsyncLLMClient:
        if self._aclient is None:
            raise RuntimeError("Use AsyncPurposeLLM inside 'async with'.")
        return self._aclient

    async def _areserve(
        self,
        messages: Sequence[Mapping[str, Any]] | None = None,
        inputs: Sequence[str] | None = None,
        kwargs: Mapping[str, Any] | None = None,
    ) -> Hold | None:
        if self._reserver is not None or self._record_sink is not None:
            return await self._reserver(messages, inputs, kwargs) if self._reserver else None
        return await sync_to_async(self._reserve, thread_sensitive=True)(messages, inputs, kwargs)

    async def chat(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        obj: models.Model | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        hold = await self._areserve(messages, kwargs=kwargs)
        return await self.aclient.chat(messages, metadata=self._metadata(obj, hold), **kwargs)

    #: The name ``chat`` had before the sync methods left this class.
    achat = chat

    def astream(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        obj: models.Model | None = None,
        **kwargs: Any,
    ) -> AsyncChatStream:
        """A streamed chat reply for ``async for``; the budget is held as iteration starts
        (a hold needs the database, which an ``async def`` reaches only by awaiting)."""
        metadata = self._metadata(obj)
        inner = self.aclient.stream(messages, metadata=metadata, **kwargs)
        outcome = StreamOutcome()
        budgeted = self._budgeted(inner, outcome, metadata, messages, kwargs)
        return AsyncChatStream(budgeted, outcome)

    async def _budgeted(
        self,
        inner: AsyncChatStream,
        outcome: StreamOutcome,
        metadata: dict[str, Any],
        messages: Sequence[Mapping[str, Any]],
        kwargs: Mapping[str, Any],
    ) -> AsyncGenerator[StreamChunk, None]:
        try:
            # The record of the stream reads its metadata when it ends: the hold travels there.
            metadata[HOLD_KEY] = await self._areserve(messages, kwargs=kwargs)
            async for chunk in inner:
                yield chunk
            outcome.result = inner.result
        finally:
            await inner.aclose()

    async def embed(
        self, texts: Sequence[str], *, obj: models.Model | None = None
    ) -> list[list[float]]:
        hold = await self._areserve(inputs=texts)
        return await self.aclient.embed(list(texts), metadata=self._metadata(obj, hold))


def llm_for(purpose: str, obj: models.Model | None = None) -> PurposeLLM:
    """The gateway for ``purpose`` ("support", "content", "recommend" or "embedding")."""
    return PurposeLLM(purpose, obj)


def allm_for(purpose: str, obj: models.Model | None = None) -> AsyncPurposeLLM:
    """The async gateway for ``purpose``; use it as ``async with allm_for(...) as llm``."""
    return AsyncPurposeLLM(purpose, obj)
