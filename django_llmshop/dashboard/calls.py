"""Figures of the call log for the dashboard: spend per day against budgets, and per endpoint
and model the tokens, latency percentiles, error rate and retries.

Every figure is an aggregate query; percentiles read one row per group through ``OFFSET``,
which PostgreSQL and SQLite both answer without Python walking the calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from django_llmshop.conf import llmshop_settings
from django_llmshop.models import Budget, LLMCall


def calls_between(start: datetime, end: datetime) -> QuerySet[LLMCall]:
    return LLMCall.objects.filter(created_at__gte=start, created_at__lt=end)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def daily_spend(start: datetime, end: datetime) -> dict[tuple[str, str], dict[date, Decimal]]:
    """``{(purpose, endpoint): {day: cost}}``, days in the current time zone."""
    rows = (
        calls_between(start, end)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "purpose", "endpoint")
        .annotate(cost=Sum("cost"))
        .order_by()
    )
    spend: dict[tuple[str, str], dict[date, Decimal]] = {}
    for row in rows:
        spend.setdefault((row["purpose"], row["endpoint"]), {})[row["day"]] = row["cost"]
    return spend


def daily_limits() -> dict[str, Decimal]:
    """The daily limit of each purpose that has one: an active ``Budget`` row, else the
    ``DAILY_BUDGETS`` setting (as the gateway reads them)."""
    limits = {
        purpose: Decimal(str(value))
        for purpose, value in (llmshop_settings.DAILY_BUDGETS or {}).items()
        if value is not None
    }
    fields = {f.name for f in Budget._meta.get_fields()}
    rows = Budget.objects.filter(is_active=True)
    if "endpoint" in fields:  # a budget per endpoint is not a purpose's limit
        rows = rows.filter(Q(endpoint="") | Q(endpoint__isnull=True))
    for purpose, limit in rows.values_list("purpose", "daily_limit"):
        if limit is not None:
            limits[purpose] = limit
    return limits


def endpoint_limits() -> list[tuple[str, str, Decimal]]:
    """``(purpose, endpoint, daily limit)`` of the active budgets for one endpoint."""
    if "endpoint" not in {f.name for f in Budget._meta.get_fields()}:
        return []
    rows = (
        Budget.objects.filter(is_active=True, daily_limit__isnull=False)
        .exclude(endpoint="")
        .order_by("purpose", "endpoint")
        .values_list("purpose", "endpoint", "daily_limit")
    )
    return [(str(p), str(e), limit) for p, e, limit in rows if limit is not None]


def budget_rows(
    spend: dict[tuple[str, str], dict[date, Decimal]], days: list[date]
) -> list[dict[str, Any]]:
    """Each daily limit, a purpose's or one endpoint's, with the range's highest day of spend
    and the days that reached the limit (from the spend already read, no further query)."""
    limits = [(p, "", limit) for p, limit in daily_limits().items()] + endpoint_limits()
    rows = []
    for purpose, endpoint, limit in limits:
        keys = [k for k in spend if k[0] == purpose and (not endpoint or k[1] == endpoint)]
        per_day = [sum((spend[k].get(d, Decimal(0)) for k in keys), Decimal(0)) for d in days]
        rows.append(
            {
                "purpose": purpose,
                "endpoint": endpoint,
                "limit": limit,
                "peak": max(per_day, default=Decimal(0)),
                "days_at_limit": sum(1 for v in per_day if limit and v >= limit),
            }
        )
    return rows


@dataclass
class EndpointFigures:
    """One endpoint and model's calls in the range."""

    endpoint: str
    model: str
    calls: int
    errors: int
    retries: int
    tokens_in: int
    tokens_out: int
    cost: Decimal
    p50_ms: int | None
    p95_ms: int | None

    @property
    def error_rate(self) -> float:
        return self.errors / self.calls if self.calls else 0.0


def percentile(rows: QuerySet[LLMCall], count: int, share: float) -> int | None:
    """The latency at ``share`` (nearest rank) of ``count`` rows, read as one row."""
    if not count:
        return None
    offset = min(count - 1, max(0, math.ceil(share * count) - 1))
    value = rows.order_by("latency_ms").values_list("latency_ms", flat=True)[offset : offset + 1]
    found = list(value)
    return int(found[0]) if found else None


def by_endpoint(start: datetime, end: datetime) -> list[EndpointFigures]:
    """Figures per endpoint and model, the costliest first."""
    calls = calls_between(start, end)
    groups = (
        calls.values("endpoint", "model")
        .annotate(
            calls=Count("id"),
            errors=Count("id", filter=Q(status=LLMCall.Status.ERROR)),
            retries=Sum("retries"),
            tokens_in=Sum("prompt_tokens"),
            tokens_out=Sum("completion_tokens"),
            total_cost=Sum("cost"),
        )
        .order_by("-total_cost", "endpoint", "model")
    )
    figures = []
    for g in groups[:50]:
        # Latency of answered calls only: a refused connection's 0 ms is no speed.
        answered = calls.filter(endpoint=g["endpoint"], model=g["model"], status="ok")
        count = g["calls"] - g["errors"]
        figures.append(
            EndpointFigures(
                g["endpoint"], g["model"], g["calls"], g["errors"], g["retries"] or 0,
                g["tokens_in"] or 0, g["tokens_out"] or 0, g["total_cost"] or Decimal(0),
                percentile(answered, count, 0.5), percentile(answered, count, 0.95),
            )
        )  # fmt: skip
    return figures


def totals(start: datetime, end: datetime) -> dict[str, Any]:
    """The range's calls, errors, tokens and cost."""
    found = calls_between(start, end).aggregate(
        calls=Count("id"),
        errors=Count("id", filter=Q(status=LLMCall.Status.ERROR)),
        tokens=Sum(F("prompt_tokens") + F("completion_tokens")),
        cost=Sum("cost"),
    )
    found["cost"] = found["cost"] or Decimal(0)
    found["tokens"] = found["tokens"] or 0
    return found
