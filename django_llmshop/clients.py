"""The process's shared clients of the model endpoints, sync and async, and their breakers.

Clients are costly to build (connection pools, TLS context): each process builds one of each
kind per endpoint, when first needed, and forgets them all when ``LLMSHOP`` changes. Their calls
write the call log (:func:`django_llmshop.budgets.record_call`). :mod:`django_llmshop.gateway`
puts purposes, budgets and call tags on top.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async

from django_llmshop.budgets import record_call
from django_llmshop.conf import Endpoint, llmshop_settings, on_reload
from django_llmshop.eventloop import process_loop
from django_llmshop.limiter import limiter_for
from django_llmshop.llm import AsyncLLMClient, CallRecord, CircuitBreaker, LLMClient

C = TypeVar("C", LLMClient, AsyncLLMClient)

_lock = threading.Lock()
_clients: dict[str, LLMClient] = {}
_async_clients: dict[str, AsyncLLMClient] = {}
_breakers: dict[str, CircuitBreaker] = {}

_awrite_call_record = sync_to_async(record_call, thread_sensitive=True)


async def awrite_call_record(record: CallRecord) -> None:
    await _awrite_call_record(record)


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


def client_kwargs(endpoint: Endpoint) -> dict[str, Any]:
    """The arguments of a client of ``endpoint``: its settings, limiter and breaker."""
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


def _cached(store: dict[str, C], alias: str, build: Callable[[Endpoint], C]) -> C:
    client = store.get(alias)
    if client is None:
        with _lock:
            client = store.get(alias)
            if client is None:
                client = store[alias] = build(llmshop_settings.endpoint(alias))
    return client


def client_for_endpoint(alias: str) -> LLMClient:
    """The process-wide sync client of an endpoint (clients are costly to build: reuse them)."""
    return _cached(_clients, alias, lambda e: LLMClient(**client_kwargs(e), on_record=record_call))


#: The key of a call's metadata that holds where its record goes instead of the database: a
#: function, called in the event loop; the caller writes the records from its own thread.
RECORD_SINK_KEY = "record_sink"


async def _sink_or_write(record: CallRecord) -> None:
    sink = (record.metadata or {}).get(RECORD_SINK_KEY)
    if sink is not None:
        sink(record)
    else:
        await awrite_call_record(record)


def async_client_for_endpoint(alias: str) -> AsyncLLMClient:
    """The process-wide async client of an endpoint, for the process's event loop thread
    (:mod:`django_llmshop.eventloop`); its connections belong to each loop that uses it."""
    return _cached(
        _async_clients,
        alias,
        lambda e: AsyncLLMClient(**client_kwargs(e), on_record=_sink_or_write),
    )


@on_reload
def close_clients() -> None:
    """Close and forget every cached client and breaker (settings changed)."""
    with _lock:
        for client in _clients.values():
            client.close()
        _clients.clear()
        for aclient in _async_clients.values():
            process_loop().submit(aclient.aclose())
        _async_clients.clear()
        _breakers.clear()
