"""Which budget limits a call falls under, and what the call log says was spent.

A call for a purpose on an endpoint falls under up to four limits: the purpose's daily and
monthly limits on every endpoint (``DAILY_BUDGETS`` / ``MONTHLY_BUDGETS``, or an active
``Budget`` row with a blank endpoint, whose limits win where they are filled in), and the daily
and monthly limits of an active ``Budget`` row for that purpose and endpoint.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from django_llmshop.budgetstore import Counter
from django_llmshop.conf import llmshop_settings, on_reload
from django_llmshop.models import Budget, LLMCall

MICROS = 1_000_000
#: Budget rows are read again after this many seconds (a change in this process: at once).
ROWS_CACHE_SECONDS = 10.0

_rows: tuple[float, dict[tuple[str, str], Budget]] | None = None


@dataclass(frozen=True)
class Limit:
    """One limit a call falls under; ``endpoint`` is "" for every endpoint.

    ``budget`` is the row the limit comes from, or an unsaved ``Budget`` that describes a limit
    from settings.
    """

    budget: Budget
    period: str
    amount: Decimal

    @property
    def scope(self) -> str:
        return f"{self.budget.purpose}:{self.budget.endpoint or '*'}"

    def counter(self, today: date) -> Counter:
        starts = today if self.period == "day" else today.replace(day=1)
        return Counter(self.scope, self.period, starts, to_micros(self.amount))


def to_micros(amount: Decimal | float) -> int:
    return math.ceil(Decimal(str(amount)) * MICROS)


def _active_rows() -> dict[tuple[str, str], Budget]:
    global _rows
    now = time.monotonic()
    cached = _rows
    if cached is None or now - cached[0] > ROWS_CACHE_SECONDS:
        rows = {(row.purpose, row.endpoint): row for row in Budget.objects.filter(is_active=True)}
        cached = _rows = (now, rows)
    return cached[1]


@on_reload
def _forget_rows(**kwargs: Any) -> None:
    global _rows
    _rows = None


post_save.connect(_forget_rows, sender=Budget, dispatch_uid="llmshop-budget-rows-saved")
post_delete.connect(_forget_rows, sender=Budget, dispatch_uid="llmshop-budget-rows-deleted")


def configured_limit(purpose: str, period: str) -> Decimal | None:
    """The purpose's limit on every endpoint from settings (``DAILY_`` / ``MONTHLY_BUDGETS``)."""
    source = llmshop_settings.DAILY_BUDGETS if period == "day" else llmshop_settings.MONTHLY_BUDGETS
    value = source.get(purpose)
    return None if value is None else Decimal(str(value))


def row_limits(row: Budget) -> list[Limit]:
    """The limits of a ``Budget`` row: a blank limit of a purpose-wide row leaves the setting's."""
    limits = []
    for period, own in (("day", row.daily_limit), ("month", row.monthly_limit)):
        amount = own if own is not None or row.endpoint else configured_limit(row.purpose, period)
        if amount is not None:
            limits.append(Limit(row, period, Decimal(amount)))
    return limits


def limits_for(purpose: str, endpoint: str) -> list[Limit]:
    """Every limit a call for ``purpose`` on the endpoint aliased ``endpoint`` falls under."""
    rows = _active_rows()
    general = rows.get((purpose, "")) or Budget(purpose=purpose, endpoint="")
    limits = row_limits(general)
    specific = rows.get((purpose, endpoint)) if endpoint else None
    if specific is not None:
        limits.extend(row_limits(specific))
    return limits


def daily_limit(purpose: str) -> Decimal | None:
    """The purpose's daily limit on every endpoint (a ``Budget`` row wins over the setting)."""
    return next((lim.amount for lim in limits_for(purpose, "") if lim.period == "day"), None)


def period_start(period: str, today: date | None = None) -> datetime:
    """When the current day or month began, in the shop's time zone."""
    today = today or timezone.localdate()
    starts = datetime.combine(today if period == "day" else today.replace(day=1), clock.min)
    return timezone.make_aware(starts) if settings.USE_TZ else starts


def spent_since(purpose: str, endpoint: str, since: datetime) -> Decimal:
    """What the call log says calls for ``purpose`` (on ``endpoint``; "": any) cost since then."""
    calls = LLMCall.objects.filter(purpose=purpose, created_at__gte=since)
    if endpoint:
        calls = calls.filter(endpoint=endpoint)
    return calls.aggregate(total=Sum("cost"))["total"] or Decimal(0)
