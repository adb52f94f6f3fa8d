"""Spending budgets: holding a call's cost before it starts, settling it once it ended.

Before a call the gateway holds its estimated cost (from the prompt's size, ``max_tokens`` and
the endpoint's prices) in the counter of every limit it falls under
(:mod:`django_llmshop.budgetlimits`), and refuses it with ``BudgetExceededError`` when one of
them is at its limit, counting the calls still in flight in every process
(:mod:`django_llmshop.budgetstore`). After the call, the hold is swapped for the real cost. So
spending passes a limit by at most the last call admitted under it.
"""

from __future__ import annotations

import logging
import math
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from django_llmshop.budgetalerts import alert_crossings
from django_llmshop.budgetlimits import (
    MICROS,
    Limit,
    limits_for,
    period_start,
    spent_since,
    to_micros,
)
from django_llmshop.budgetlimits import daily_limit as daily_limit
from django_llmshop.budgetredis import RedisCounters
from django_llmshop.budgetstore import (
    Counter,
    CounterStore,
    CountersUnavailable,
    DatabaseCounters,
    Refused,
)
from django_llmshop.calllog import write_call_record
from django_llmshop.conf import Endpoint, llmshop_settings, on_reload
from django_llmshop.llm import BudgetExceededError, CallRecord
from django_llmshop.llm.tokens import estimate_prompt_tokens, estimate_tokens
from django_llmshop.models import LLMCall

logger = logging.getLogger("django_llmshop.budgets")

#: The key of a call's metadata that carries its :class:`Hold` to the call log.
HOLD_KEY = "budget_hold"

_lock = threading.Lock()
_redis: RedisCounters | None = None
_database = DatabaseCounters()


@dataclass
class Hold:
    """What a call holds in its counters until it is settled."""

    limits: tuple[Limit, ...]
    counters: tuple[Counter, ...]
    micros: int
    store: CounterStore
    token: str
    settled: bool = False


def _seed(counter: Counter) -> int:
    purpose, _, endpoint = counter.scope.partition(":")
    since = period_start(counter.period, counter.starts)
    return to_micros(spent_since(purpose, "" if endpoint == "*" else endpoint, since))


# --- the counters ----------------------------------------------------------------------------


def _store() -> CounterStore:
    global _redis
    url = llmshop_settings.LIMITER_REDIS_URL
    if not url:
        return _database
    with _lock:
        if _redis is None:
            _redis = RedisCounters(str(url))
        return _redis


@on_reload
def forget_state() -> None:
    """Settings changed: reconnect to Redis when next needed."""
    global _redis
    with _lock:
        if _redis is not None:
            _redis.close()
        _redis = None


def _unavailable(exc: CountersUnavailable) -> None:
    logger.warning("budget counters in Redis failed, the database's are used: %s", exc)


def _refusal(limit: Limit) -> BudgetExceededError:
    budget = limit.budget
    where = f" on endpoint {budget.endpoint!r}" if budget.endpoint else ""
    when = "tomorrow" if limit.period == "day" else "next month"
    return BudgetExceededError(
        f"The {'daily' if limit.period == 'day' else 'monthly'} budget for {budget.purpose!r}"
        f"{where} ({limit.amount}) is used up; calls resume {when}."
    )


def reserve(purpose: str, endpoint: str, micros: int) -> Hold | None:
    """Hold ``micros`` in every counter the call falls under, or raise ``BudgetExceededError``.

    ``None`` when no limit applies. The hold is settled when the call's record is written.
    """
    limits = tuple(limits_for(purpose, endpoint))
    if not limits:
        return None
    today = timezone.localdate()
    counters = tuple(limit.counter(today) for limit in limits)
    store, token = _store(), uuid.uuid4().hex
    try:
        try:
            store.reserve(counters, micros, _seed, token)
        except CountersUnavailable as exc:
            _unavailable(exc)
            store = _database
            store.reserve(counters, micros, _seed, token)
    except Refused as refused:
        raise _refusal(limits[refused.index]) from None
    return Hold(limits, counters, micros, store, token)


def settle(hold: Hold | None, purpose: str, endpoint: str, cost: Decimal) -> None:
    """Swap a call's hold for its real ``cost`` (a call without a hold just adds its cost)."""
    if hold is None:
        limits = tuple(limits_for(purpose, endpoint))
        today = timezone.localdate()
        counters, held, store = tuple(lim.counter(today) for lim in limits), 0, _store()
        token = ""
    elif hold.settled:
        return
    else:
        hold.settled = True
        limits, counters, held, store = hold.limits, hold.counters, hold.micros, hold.store
        token = hold.token
    micros = to_micros(cost)
    if not counters or (micros == 0 and held == 0):
        return
    try:
        totals = store.settle(counters, held, micros, token)
    except CountersUnavailable as exc:  # the hold stays counted until the period ends
        _unavailable(exc)
        return
    alert_crossings(limits, counters, totals, micros)


def check_budget(purpose: str, endpoint: str | None = None) -> None:
    """Raise ``BudgetExceededError`` when a limit ``purpose`` falls under is reached, counting
    the calls in flight. ``endpoint`` defaults to the purpose's configured endpoint."""
    if endpoint is None:
        endpoint = llmshop_settings.PURPOSES.get(purpose) or ""
    limits = limits_for(purpose, endpoint)
    if not limits:
        return
    today = timezone.localdate()
    counters = [limit.counter(today) for limit in limits]
    try:
        values = _store().read(counters, _seed)
    except CountersUnavailable as exc:
        _unavailable(exc)
        values = _database.read(counters, _seed)
    for limit, counter, value in zip(limits, counters, values, strict=True):
        if value >= counter.limit:
            raise _refusal(limit)


# --- what a call is expected to cost, and the call log ---------------------------------------


def estimate_micros(
    endpoint: Endpoint,
    *,
    messages: Sequence[Mapping[str, Any]] | None = None,
    inputs: Sequence[str] | None = None,
    max_tokens: int | None = None,
    json_output: bool = False,
) -> int:
    """The most a call is expected to cost: its prompt, and ``max_tokens`` (or
    ``BUDGET_RESERVE_TOKENS``) of reply; twice that with a JSON format (one repair request)."""
    if inputs is not None:
        prompt, completion = sum(estimate_tokens(text) for text in inputs), 0
    else:
        prompt = estimate_prompt_tokens(messages)
        completion = int(
            llmshop_settings.BUDGET_RESERVE_TOKENS if max_tokens is None else max_tokens
        )
    cost = endpoint.cost(prompt, max(completion, 0)) * (2 if json_output else 1)
    return max(0, math.ceil(cost * MICROS))


def hold_for_call(
    purpose: str,
    endpoint: Endpoint,
    messages: Sequence[Mapping[str, Any]] | None = None,
    inputs: Sequence[str] | None = None,
    kwargs: Mapping[str, Any] | None = None,
) -> Hold | None:
    """Hold a call's estimated cost (``kwargs``: the call's own, e.g. ``max_tokens``)."""
    kwargs = kwargs or {}
    micros = estimate_micros(
        endpoint,
        messages=messages,
        inputs=inputs,
        max_tokens=kwargs.get("max_tokens"),
        json_output=kwargs.get("response_format") is not None,
    )
    return reserve(purpose, endpoint.alias, micros)


def record_call(record: CallRecord) -> LLMCall:
    """Write the call log row of ``record``, then count its cost in the budgets' counters."""
    call = write_call_record(record)
    meta = record.metadata or {}
    hold = meta.get(HOLD_KEY)
    settle(hold if isinstance(hold, Hold) else None, call.purpose, call.endpoint, call.cost)
    return call
