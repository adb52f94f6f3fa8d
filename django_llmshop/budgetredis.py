"""The budgets' shared counters in Redis: hashes (``spent``, ``held``) changed only by Lua scripts.

Beside each counter, a sorted set holds its calls' holds (``<token>:<amount>``, scored by their
deadline). Reserving first gives back the holds that expired (their worker died before settling),
then checks and holds; settling removes the call's hold and gives its amount back only if the
hold was still there. See :mod:`django_llmshop.budgetstore` for the database's counters.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from django_llmshop.budgetstore import (
    HOLD_SECONDS,
    TTL_SECONDS,
    Counter,
    CountersUnavailable,
    Refused,
    Seed,
)

# KEYS: the counters, then their holds (n + n). ARGV: the amount to hold, the hold's member,
# now and the hold's deadline (ms), then the limit of each counter.
# Returns {1, 0} when held, {0, i} when counter i is at its limit, {-1, i} when it is missing.
RESERVE = """
local n = #KEYS / 2
for i = 1, n do
  if redis.call('EXISTS', KEYS[i]) == 0 then return {-1, i} end
end
for i = 1, n do
  local expired = redis.call('ZRANGEBYSCORE', KEYS[n + i], '-inf', ARGV[3])
  if #expired > 0 then
    local back = 0
    for _, member in ipairs(expired) do back = back + tonumber(string.match(member, '(%d+)$')) end
    redis.call('ZREMRANGEBYSCORE', KEYS[n + i], '-inf', ARGV[3])
    if back > 0 and redis.call('HINCRBY', KEYS[i], 'held', 0 - back) < 0 then
      redis.call('HSET', KEYS[i], 'held', 0)
    end
  end
end
for i = 1, n do
  local spent = tonumber(redis.call('HGET', KEYS[i], 'spent') or '0')
  local held = tonumber(redis.call('HGET', KEYS[i], 'held') or '0')
  if spent + held >= tonumber(ARGV[4 + i]) then return {0, i} end
end
for i = 1, n do
  redis.call('HINCRBY', KEYS[i], 'held', ARGV[1])
  if tonumber(ARGV[1]) > 0 then
    redis.call('ZADD', KEYS[n + i], ARGV[4], ARGV[2])
    redis.call('PEXPIRE', KEYS[n + i], math.max(redis.call('PTTL', KEYS[i]), 1000))
  end
end
return {1, 0}
"""

# KEYS: the counters, then their holds. ARGV: the amount held, the real cost, the hold's member.
# Returns each counter's new spending, or -1 for a counter that is missing (it will be seeded
# from the call log, which has the call).
SETTLE = """
local n = #KEYS / 2
local out = {}
for i = 1, n do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    -- Only a hold still there is given back (an expired one was given back when it expired);
    -- skipped for a call that held nothing: Redis refuses "-0" as an increment.
    local still = ARGV[3] ~= '' and redis.call('ZREM', KEYS[n + i], ARGV[3]) == 1
    if still and tonumber(ARGV[1]) > 0 then
      if redis.call('HINCRBY', KEYS[i], 'held', 0 - ARGV[1]) < 0 then
        redis.call('HSET', KEYS[i], 'held', 0)
      end
    end
    out[i] = redis.call('HINCRBY', KEYS[i], 'spent', ARGV[2])
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


def _keys(counters: Sequence[Counter]) -> list[str]:
    names = [counter.redis_key for counter in counters]
    return names + [f"{name}:holds" for name in names]


def _member(token: str, amount: int) -> str:
    return f"{token}:{amount}" if token else ""


class RedisCounters:
    """Counters as Redis hashes (``spent``, ``held``) and sorted sets of holds."""

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

    def _run(self, index: int, keys: list[str], args: list[Any]) -> Any:
        import redis

        try:
            return self._connect()[index](keys, args)
        except redis.RedisError as exc:
            raise CountersUnavailable(str(exc)) from exc

    def _seed(self, counter: Counter, seed: Seed) -> None:
        ttl_ms = TTL_SECONDS[counter.period] * 1000
        self._run(2, [counter.redis_key], [seed(counter), ttl_ms])

    def reserve(self, counters: Sequence[Counter], amount: int, seed: Seed, token: str) -> None:
        now = int(time.time() * 1000)
        deadline = now + HOLD_SECONDS * 1000
        head = [amount, _member(token, amount), now, deadline]
        args = [*head, *(counter.limit for counter in counters)]
        for _ in range(len(counters) + 1):  # each round seeds at most one missing counter
            status, position = self._run(0, _keys(counters), args)
            if status == 1:
                return
            if status == 0:
                raise Refused(int(position) - 1)
            self._seed(counters[int(position) - 1], seed)
        raise CountersUnavailable("budget counters vanish as soon as they are created")

    def settle(
        self, counters: Sequence[Counter], held: int, cost: int, token: str
    ) -> list[int | None]:
        totals = self._run(1, _keys(counters), [held, cost, _member(token, held)])
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
