"""The LLM gateway: one shared client per endpoint, purposes, daily budgets and the call log.

Everything in the package that talks to a model goes through here::

    from django_llmshop.gateway import llm_for
    result = llm_for("content", obj=product).chat(messages, response_format=...)

    async with allm_for("content") as llm:          # inside a Celery task's asyncio batch
        result = await llm.chat(messages, obj=product)

Each call is checked against the purpose's daily budget first, and writes one ``LLMCall`` row.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.contenttypes.models import ContentType
from django.db import close_old_connections, models, transaction

from django_llmshop.conf import Endpoint, llmshop_settings, on_reload
from django_llmshop.limiter import limiter_for
from django_llmshop.llm import (
    AsyncLLMClient,
    BudgetExceededError,
    CallRecord,
    ChatResult,
    CircuitBreaker,
    LLMClient,
    StreamChunk,
)
from django_llmshop.models import Budget, LLMCall, spent_today
from django_llmshop.text import clean_text

logger = logging.getLogger("django_llmshop.gateway")

_lock = threading.Lock()
_clients: dict[str, LLMClient] = {}
_breakers: dict[str, CircuitBreaker] = {}
_budget_cache: tuple[float, dict[str, Decimal]] | None = None
BUDGET_CACHE_SECONDS = 10.0


def _breaker(alias: str) -> CircuitBreaker:
    breaker = _breakers.get(alias)
    if breaker is None:
        conf = llmshop_settings.CIRCUIT_BREAKER
        breaker = CircuitBreaker(
            failure_threshold=int(conf["FAILURE_THRESHOLD"]),
            reset_timeout=float(conf["RESET_SECONDS"]),
        )
        _breakers[alias] = breaker
    return breaker


def _client_kwargs(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "base_url": endpoint.base_url,
        "api_key": endpoint.api_key or None,
        "model": endpoint.model,
        "timeout": endpoint.timeout,
        "connect_timeout": endpoint.connect_timeout,
        "max_retries": endpoint.max_retries,
        "retry_after_cap": float(llmshop_settings.RETRY_AFTER_CAP),
        "max_concurrency": endpoint.max_concurrency,
        "limiter": limiter_for(endpoint),
        "headers": endpoint.headers or None,
        "embedding_model": endpoint.embedding_model,
        "breaker": _breaker(endpoint.alias),
    }


def client_for_endpoint(alias: str) -> LLMClient:
    """The process-wide sync client of an endpoint (clients are costly to build: reuse them)."""
    client = _clients.get(alias)
    if client is None:
        with _lock:
            client = _clients.get(alias)
            if client is None:
                endpoint = llmshop_settings.endpoint(alias)
                client = LLMClient(**_client_kwargs(endpoint), on_record=write_call_record)
                _clients[alias] = client
    return client


@on_reload
def close_clients() -> None:
    """Close and forget every cached client and breaker (settings changed)."""
    global _budget_cache
    with _lock:
        for client in _clients.values():
            client.close()
        _clients.clear()
        _breakers.clear()
        _budget_cache = None


# --- budgets -------------------------------------------------------------------------------


def daily_limit(purpose: str) -> Decimal | None:
    """The active daily limit for ``purpose``: a ``Budget`` row wins over ``DAILY_BUDGETS``."""
    global _budget_cache
    now = time.monotonic()
    if _budget_cache is None or now - _budget_cache[0] > BUDGET_CACHE_SECONDS:
        rows = Budget.objects.filter(is_active=True).values_list("purpose", "daily_limit")
        _budget_cache = (now, dict(rows))
    if purpose in _budget_cache[1]:
        return _budget_cache[1][purpose]
    configured = llmshop_settings.DAILY_BUDGETS.get(purpose)
    return None if configured is None else Decimal(str(configured))


def check_budget(purpose: str) -> None:
    """Raise ``BudgetExceededError`` when today's spending for ``purpose`` reached its limit."""
    limit = daily_limit(purpose)
    if limit is not None and spent_today(purpose) >= limit:
        raise BudgetExceededError(
            f"The daily budget for {purpose!r} ({limit}) is used up; calls resume tomorrow."
        )


# --- the call log ----------------------------------------------------------------------------


def _excerpt(text: str) -> str:
    if not llmshop_settings.LOG_PROMPTS:
        return ""
    # Cleaned: a model's NUL or lone surrogate would make the row impossible to store.
    text = clean_text(text[: int(llmshop_settings.LOG_EXCERPT_CHARS)])
    for pattern in llmshop_settings.LOG_REDACT_PATTERNS:
        text = re.sub(pattern, "[redacted]", text)
    return text


#: Tokens one call may count at most: an endpoint that reports more (or less than none) is
#: broken, and its figures must neither fail the row nor lower the day's spending.
MAX_CALL_TOKENS = 100_000_000
MAX_COST = Decimal("999999.999999")  # what LLMCall.cost holds


def _tokens(count: int) -> int:
    return max(0, min(int(count), MAX_CALL_TOKENS))


def write_call_record(record: CallRecord) -> LLMCall:
    """Store one ``CallRecord`` as an ``LLMCall`` row, with its cost at the endpoint's prices."""
    meta: Mapping[str, Any] = record.metadata or {}
    alias = str(meta.get("endpoint", ""))
    prompt_tokens = _tokens(record.prompt_tokens)
    completion_tokens = _tokens(record.completion_tokens)
    cost = Decimal(0)
    if alias:
        endpoint = llmshop_settings.endpoint(alias)
        cost = Decimal(str(round(endpoint.cost(prompt_tokens, completion_tokens), 6)))
        cost = min(cost, MAX_COST)
    content_type = None
    object_id = ""
    obj = meta.get("obj")
    if isinstance(obj, models.Model) and obj.pk is not None:
        content_type = ContentType.objects.get_for_model(obj)
        object_id = str(obj.pk)
    # A savepoint: should the row still fail, the caller's transaction stays usable.
    with transaction.atomic():
        return LLMCall.objects.create(
            purpose=str(meta.get("purpose", "other")),
            endpoint=alias,
            model=clean_text(record.model)[:200],
            operation=record.operation,
            status=LLMCall.Status.OK if record.status == "ok" else LLMCall.Status.ERROR,
            error_class=record.error_class or "",
            error_message=clean_text(record.error_message or "")[:2000],
            http_status=record.http_status,
            retries=record.retries,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            tokens_estimated=record.tokens_estimated,
            cost=cost,
            latency_ms=round(record.latency_s * 1000),
            ttft_ms=None if record.ttft_s is None else round(record.ttft_s * 1000),
            prompt_excerpt=_excerpt(record.request_excerpt),
            response_excerpt=_excerpt(record.response_excerpt),
            content_type=content_type,
            object_id=object_id,
        )


# One thread for all writes: SQLite allows one writer, and Django connections are per thread.
_awrite_call_record = sync_to_async(write_call_record, thread_sensitive=True)


async def awrite_call_record(record: CallRecord) -> None:
    await _awrite_call_record(record)


# --- the purpose-bound facade ----------------------------------------------------------------


class PurposeLLM:
    """The LLM for one purpose: checks the budget, tags calls for the log, uses shared clients."""

    def __init__(self, purpose: str, obj: models.Model | None = None) -> None:
        self.purpose = purpose
        self.obj = obj
        self.endpoint = llmshop_settings.endpoint_for(purpose)

    def _metadata(self, obj: models.Model | None) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "endpoint": self.endpoint.alias,
            "obj": obj if obj is not None else self.obj,
        }

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
        check_budget(self.purpose)
        return self.client.chat(messages, metadata=self._metadata(obj), **kwargs)

    def stream(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        obj: models.Model | None = None,
        **kwargs: Any,
    ) -> Iterator[StreamChunk]:
        check_budget(self.purpose)
        return self.client.stream(messages, metadata=self._metadata(obj), **kwargs)

    def embed(self, texts: Sequence[str], *, obj: models.Model | None = None) -> list[list[float]]:
        check_budget(self.purpose)
        return self.client.embed(list(texts), metadata=self._metadata(obj))


class AsyncPurposeLLM(PurposeLLM):
    """Async twin of :class:`PurposeLLM` for batches inside one task; use ``async with``.

    An async client is bound to the event loop it runs in, so each ``async with`` block gets
    its own; the endpoint's circuit breaker is still shared with every other client. With a
    ``record_sink`` (see :func:`django_llmshop.batch.run_batch`) call records go there instead
    of to the database, and the budget is left to whoever owns the sink.
    """

    def __init__(
        self,
        purpose: str,
        obj: models.Model | None = None,
        *,
        record_sink: Callable[[CallRecord], None] | None = None,
    ) -> None:
        super().__init__(purpose, obj)
        self._aclient: AsyncLLMClient | None = None
        self._record_sink = record_sink

    async def __aenter__(self) -> AsyncPurposeLLM:
        on_record = self._record_sink or awrite_call_record
        self._aclient = AsyncLLMClient(**_client_kwargs(self.endpoint), on_record=on_record)
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

    async def achat(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        obj: models.Model | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if self._record_sink is None:
            await sync_to_async(check_budget, thread_sensitive=True)(self.purpose)
        return await self.aclient.chat(messages, metadata=self._metadata(obj), **kwargs)


def llm_for(purpose: str, obj: models.Model | None = None) -> PurposeLLM:
    """The gateway for ``purpose`` ("support", "content", "recommend" or "embedding")."""
    return PurposeLLM(purpose, obj)


def allm_for(purpose: str, obj: models.Model | None = None) -> AsyncPurposeLLM:
    """The async gateway for ``purpose``; use it as ``async with allm_for(...) as llm``."""
    return AsyncPurposeLLM(purpose, obj)
