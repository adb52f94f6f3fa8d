"""The budgets' shared counters: in Redis when ``LIMITER_REDIS_URL`` is set
(:mod:`django_llmshop.budgetredis`), else in the database (here).

One counter per budget scope and period holds what settled calls spent and what is held for calls
in flight, in millionths of the price unit. :meth:`reserve` checks every counter a call falls
under and holds its estimate in all of them in one atomic step (a Lua script in Redis, a
transaction of conditional ``UPDATE`` statements in the database), so workers on any number of
machines see each other's calls in flight. :meth:`settle` swaps the hold for the call's real cost.
A counter missing for its period is created from the call log's sum (its ``seed``).

Each hold is also kept on its own, named by the call's token, with a deadline
(:data:`HOLD_SECONDS`): a hold whose worker was killed before settling expires, and its amount
goes back to the counter (in Redis when the counter is next reserved, in the database by the
sweeper). Settling deletes the hold first, so an amount is given back once, by one or the other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from django_llmshop.models import BudgetCounter, BudgetHold

#: Seconds a Redis counter outlives the start of its period (a little more than the period).
TTL_SECONDS = {"day": 3 * 86400, "month": 35 * 86400}
#: Seconds a call's hold lasts unless settled: longer than any call with its retries, so only a
#: call whose worker died loses its hold.
HOLD_SECONDS = 3600


@dataclass(frozen=True)
class Counter:
    """One budget's counter for one period; ``limit`` in millionths of the price unit."""

    scope: str  # "<purpose>:*" for every endpoint, "<purpose>:<endpoint>" for one
    period: str  # "day" or "month"
    starts: date
    limit: int

    @property
    def redis_key(self) -> str:
        # One hash tag for every counter: a script may touch several, even on a Redis Cluster.
        return f"{{llmshop:budget}}:{self.scope}:{self.period}:{self.starts.isoformat()}"


Seed = Callable[[Counter], int]


class Refused(Exception):
    """The counter at ``index`` has reached its limit: the call may not start."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


class CountersUnavailable(Exception):
    """The store could not be reached (Redis down); the caller falls back to the database."""


class CounterStore(Protocol):
    def reserve(self, counters: Sequence[Counter], amount: int, seed: Seed, token: str) -> None: ...

    def settle(
        self, counters: Sequence[Counter], held: int, cost: int, token: str
    ) -> list[int | None]: ...

    def read(self, counters: Sequence[Counter], seed: Seed) -> list[int]: ...


class DatabaseCounters:
    """Counters as ``BudgetCounter`` rows, changed only by conditional, atomic ``UPDATE``s."""

    def _rows(self, counter: Counter) -> Any:
        return BudgetCounter.objects.filter(
            scope=counter.scope, period=counter.period, starts=counter.starts
        )

    def _ensure(self, counters: Sequence[Counter], seed: Seed) -> None:
        """Create the missing rows, each in its own transaction before any row is locked (a
        create waiting on another's uncommitted row while holding locks could deadlock)."""
        rows = BudgetCounter.objects.filter(_rows_of(counters))
        present = set(rows.values_list("scope", "period", "starts"))
        for counter in counters:
            if (counter.scope, counter.period, counter.starts) in present:
                continue
            try:
                with transaction.atomic():
                    BudgetCounter.objects.create(
                        scope=counter.scope,
                        period=counter.period,
                        starts=counter.starts,
                        spent_micros=seed(counter),
                    )
            except IntegrityError:  # another process created it first: use theirs
                pass

    def reserve(self, counters: Sequence[Counter], amount: int, seed: Seed, token: str) -> None:
        self._ensure(counters, seed)
        order = sorted(range(len(counters)), key=lambda i: _order(counters[i]))
        expires = timezone.now() + timedelta(seconds=HOLD_SECONDS)
        with transaction.atomic():  # all holds or none; rows locked in one order: no deadlock
            for index in order:
                counter = counters[index]
                room = Value(counter.limit, output_field=BigIntegerField()) - F("held_micros")
                taken = (
                    self._rows(counter)
                    .filter(spent_micros__lt=room)
                    .update(held_micros=F("held_micros") + amount)
                )
                if not taken:
                    raise Refused(index)
            if amount:
                ids = self._ids(counters)
                BudgetHold.objects.bulk_create(
                    BudgetHold(counter_id=pk, token=token, micros=amount, expires=expires)
                    for pk in ids
                )

    def settle(
        self, counters: Sequence[Counter], held: int, cost: int, token: str
    ) -> list[int | None]:
        spent: list[int | None] = [None] * len(counters)
        with transaction.atomic():  # the rows stay locked until the new totals are read
            for index in sorted(range(len(counters)), key=lambda i: _order(counters[i])):
                rows = self._rows(counters[index])
                # Give the hold back only if it is still there: the sweeper may have expired it.
                kept = held if held and self._drop_hold(counters[index], token) else 0
                changed = rows.update(
                    held_micros=Greatest(F("held_micros") - kept, Value(0)),
                    spent_micros=F("spent_micros") + cost,
                )
                if changed:
                    spent[index] = rows.values_list("spent_micros", flat=True).first()
        return spent

    def _ids(self, counters: Sequence[Counter]) -> list[int]:
        return list(BudgetCounter.objects.filter(_rows_of(counters)).values_list("pk", flat=True))

    def _drop_hold(self, counter: Counter, token: str) -> bool:
        deleted, _ = BudgetHold.objects.filter(
            token=token,
            counter__scope=counter.scope,
            counter__period=counter.period,
            counter__starts=counter.starts,
        ).delete()
        return bool(deleted)

    def read(self, counters: Sequence[Counter], seed: Seed) -> list[int]:
        self._ensure(counters, seed)
        values = []
        for counter in counters:
            row = self._rows(counter).values_list("spent_micros", "held_micros").first()
            values.append(sum(row) if row else 0)
        return values


def _rows_of(counters: Sequence[Counter]) -> Q:
    """The ``BudgetCounter`` rows of ``counters``, as a filter."""
    wanted = Q(pk__in=[])
    for counter in counters:
        wanted |= Q(scope=counter.scope, period=counter.period, starts=counter.starts)
    return wanted


def _order(counter: Counter) -> tuple[str, str, date]:
    return (counter.scope, counter.period, counter.starts)


def expire_holds(now: datetime | None = None) -> int:
    """Give back the holds of calls that were never settled (their worker died); returns how
    many. Each hold is deleted before its amount goes back, so a settle racing with this gives
    it back once only. Registered with the sweeper."""
    now = now or timezone.now()
    expired = 0
    for pk in list(BudgetHold.objects.filter(expires__lte=now).values_list("pk", flat=True)):
        with transaction.atomic():
            hold = BudgetHold.objects.filter(pk=pk).values_list("counter_id", "micros").first()
            if hold is None or not BudgetHold.objects.filter(pk=pk).delete()[0]:
                continue  # settled (or expired by another sweep) meanwhile
            BudgetCounter.objects.filter(pk=hold[0]).update(
                held_micros=Greatest(F("held_micros") - hold[1], Value(0))
            )
            expired += 1
    return expired
