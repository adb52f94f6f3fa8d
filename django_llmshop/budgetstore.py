"""The budgets' shared counters: in Redis when ``LIMITER_REDIS_URL`` is set, else in the database.

One counter per budget scope and period holds what settled calls spent and what is held for calls
in flight, in millionths of the price unit. :meth:`reserve` checks every counter a call falls
under and holds its estimate in all of them in one atomic step (a Lua script in Redis, a
transaction of conditional ``UPDATE`` statements in the database), so workers on any number of
machines see each other's calls in flight. :meth:`settle` swaps the hold for the call's real cost.
A counter missing for its period is created from the call log's sum (its ``seed``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, F, Q, Value
from django.db.models.functions import Greatest

from django_llmshop.models import BudgetCounter

#: Seconds a Redis counter outlives the start of its period (a little more than the period).
TTL_SECONDS = {"day": 3 * 86400, "month": 35 * 86400}


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
    def reserve(self, counters: Sequence[Counter], amount: int, seed: Seed) -> None: ...

    def settle(self, counters: Sequence[Counter], held: int, cost: int) -> list[int | None]: ...

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
        wanted = Q(pk__in=[])
        for counter in counters:
            wanted |= Q(scope=counter.scope, period=counter.period, starts=counter.starts)
        present = set(BudgetCounter.objects.filter(wanted).values_list("scope", "period", "starts"))
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

    def reserve(self, counters: Sequence[Counter], amount: int, seed: Seed) -> None:
        self._ensure(counters, seed)
        order = sorted(range(len(counters)), key=lambda i: _order(counters[i]))
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

    def settle(self, counters: Sequence[Counter], held: int, cost: int) -> list[int | None]:
        spent: list[int | None] = [None] * len(counters)
        with transaction.atomic():  # the rows stay locked until the new totals are read
            for index in sorted(range(len(counters)), key=lambda i: _order(counters[i])):
                rows = self._rows(counters[index])
                changed = rows.update(
                    held_micros=Greatest(F("held_micros") - held, Value(0)),
                    spent_micros=F("spent_micros") + cost,
                )
                if changed:
                    spent[index] = rows.values_list("spent_micros", flat=True).first()
        return spent

    def read(self, counters: Sequence[Counter], seed: Seed) -> list[int]:
        self._ensure(counters, seed)
        values = []
        for counter in counters:
            row = self._rows(counter).values_list("spent_micros", "held_micros").first()
            values.append(sum(row) if row else 0)
        return values


def _order(counter: Counter) -> tuple[str, str, date]:
    return (counter.scope, counter.period, counter.starts)


# KEYS: the counters. ARGV[1]: the amount to hold; ARGV[1 + i]: the limit of KEYS[i].
# Returns {1, 0} when held, {0, i} when counter i is at its limit, {-1, i} when it is missing.
RESERVE = """
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 then return {-1, i} end
end
for i, key in ipairs(KEYS) do
  local spent = tonumber(redis.call('HGET', key, 'spent') or '0')
  local held = tonumber(redis.call('HGET', key, 'held') or '0')
  if spent + held >= tonumber(ARGV[1 + i]) then return {0, i} end
end
for _, key in ipairs(KEYS) do redis.call('HINCRBY', key, 'held', ARGV[1]) end
return {1, 0}
"""

# KEYS: the counters. ARGV: the amount held, the real cost. Returns each counter's new spending,
# or -1 for a counter that is missing (it will be seeded from the call log, which has the call).
SETTLE = """
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    -- Skipped for a call that held nothing: Redis refuses "-0" as an increment.
    if tonumber(ARGV[1]) > 0 and redis.call('HINCRBY', key, 'held', 0 - ARGV[1]) < 0 then
      redis.call('HSET', key, 'held', 0)
    end
    out[i] = redis.call('HINCRBY', key, 'spent', ARGV[2])
  else
    out[i] = -1
  end
end
return out
"""

# KEYS[1]: a counter. ARGV: its seed, its time to live in ms. Creates it unless it exists.
SEED = """
if redis.call('HSETNX', KEYS[1], 'spent', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], 'held', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
"""


class RedisCounters:
    """Counters as Redis hashes (``spent``, ``held``), changed only by Lua scripts."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client: Any = None
        self._scripts: tuple[Any, ...] = ()
        self._lock = threading.Lock()

    def _connect(self) -> tuple[Any, ...]:
        with self._lock:
            if self._client is None:
                import redis

                client = redis.Redis.from_url(self.url)
                self._scripts = tuple(map(client.register_script, (RESERVE, SETTLE, SEED)))
                self._client = client
            return self._scripts

    def _run(self, index: int, keys: list[str], args: list[int]) -> Any:
        import redis

        try:
            return self._connect()[index](keys, args)
        except redis.RedisError as exc:
            raise CountersUnavailable(str(exc)) from exc

    def _seed(self, counter: Counter, seed: Seed) -> None:
        ttl_ms = TTL_SECONDS[counter.period] * 1000
        self._run(2, [counter.redis_key], [seed(counter), ttl_ms])

    def reserve(self, counters: Sequence[Counter], amount: int, seed: Seed) -> None:
        keys = [counter.redis_key for counter in counters]
        args = [amount, *(counter.limit for counter in counters)]
        for _ in range(len(counters) + 1):  # each round seeds at most one missing counter
            status, position = self._run(0, keys, args)
            if status == 1:
                return
            if status == 0:
                raise Refused(int(position) - 1)
            self._seed(counters[int(position) - 1], seed)
        raise CountersUnavailable("budget counters vanish as soon as they are created")

    def settle(self, counters: Sequence[Counter], held: int, cost: int) -> list[int | None]:
        totals = self._run(1, [counter.redis_key for counter in counters], [held, cost])
        return [None if int(total) < 0 else int(total) for total in totals]

    def read(self, counters: Sequence[Counter], seed: Seed) -> list[int]:
        values = []
        for counter in counters:
            spent, held = self._hmget(counter)
            if spent is None:  # not created yet this period
                self._seed(counter, seed)
                spent, held = self._hmget(counter)
            values.append(int(spent or 0) + int(held or 0))
        return values

    def _hmget(self, counter: Counter) -> tuple[Any, Any]:
        import redis

        self._connect()
        try:
            spent, held = self._client.hmget(counter.redis_key, "spent", "held")
        except redis.RedisError as exc:
            raise CountersUnavailable(str(exc)) from exc
        return spent, held

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
