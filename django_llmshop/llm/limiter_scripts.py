"""The Lua scripts of :mod:`.limiter`; each runs atomically in Redis, on Redis's clock.

Keys, all under one hash tag: ``slots`` a sorted set of holder ids scored by lease expiry (ms);
``window`` a hash of per-second counts, ``r<second>`` requests and ``t<second>`` tokens;
``queue`` the holders waiting for a slot, oldest first; ``alive:<holder>`` set while that holder
still waits (it expires if the waiter dies); ``wake:<holder>`` the list it blocks on.

A release hands its slot straight to the oldest live waiter and wakes it, so the slot passes
from one process to another in one hop, in order of arrival. A holder id is
``<host>:<pid>:<12 hex digits>``. An admitted holder learns its process's fair *share* of the
slots: the concurrency divided among the processes that hold or wait for slots (in the reply of
the acquire script, or as the value on its wake-up list); a process may pass a slot between its
own calls only while it holds no more than that (see :class:`~.slots.AsyncSlots`).
"""

_NOW = """
local clock = redis.call('TIME')
local second = tonumber(clock[1])
local now = second * 1000 + math.floor(tonumber(clock[2]) / 1000)
"""

# A fair share of the ``concurrency`` slots: divided among the processes holding or waiting.
_SHARE = """
local function share(slots, queue, concurrency)
  local seen, processes = {}, 0
  local holding, waiting = redis.call('ZRANGE', slots, 0, -1), redis.call('LRANGE', queue, 0, -1)
  for _, holders in ipairs({holding, waiting}) do
    for _, holder in ipairs(holders) do
      local process = string.sub(holder, 1, -14)
      if not seen[process] then
        seen[process] = true
        processes = processes + 1
      end
    end
  end
  return math.ceil(concurrency / math.max(processes, 1))
end
"""

# KEYS: slots, window, queue, alive:<holder>.
# ARGV: holder, concurrency, lease ms, requests/min, tokens/min, tokens, window s, alive ms.
# Returns {1, second of the window bucket, share} when admitted, {0, 0} when queued for a slot,
# or {0, ms} to wait for the window to slide (a slot handed over meanwhile stays held). Limits of
# 0 are off. Expired leases are dropped first.
ACQUIRE = (
    _NOW
    + _SHARE
    + """
local concurrency = tonumber(ARGV[2])
if concurrency > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  if not redis.call('ZSCORE', KEYS[1], ARGV[1])
      and redis.call('ZCARD', KEYS[1]) >= concurrency then
    if not redis.call('SET', KEYS[4], 1, 'PX', ARGV[8], 'GET') then
      redis.call('RPUSH', KEYS[3], ARGV[1])
      redis.call('PEXPIRE', KEYS[3], ARGV[3])
    end
    return {0, 0}
  end
end
local limits = {r = tonumber(ARGV[4]), t = tonumber(ARGV[5])}
local costs = {r = 1, t = math.min(tonumber(ARGV[6]), limits.t)}
local span = tonumber(ARGV[7])
if limits.r > 0 or limits.t > 0 then
  local used, by_second = {r = 0, t = 0}, {r = {}, t = {}}
  local flat = redis.call('HGETALL', KEYS[2])
  for i = 1, #flat, 2 do
    local kind, at = string.sub(flat[i], 1, 1), tonumber(string.sub(flat[i], 2))
    if at < second - span then
      redis.call('HDEL', KEYS[2], flat[i])
    else
      used[kind] = used[kind] + tonumber(flat[i + 1])
      by_second[kind][at] = (by_second[kind][at] or 0) + tonumber(flat[i + 1])
    end
  end
  local wait = 0
  for kind, limit in pairs(limits) do
    local left = used[kind]
    if limit > 0 and left + costs[kind] > limit then
      local seconds = {}
      for at in pairs(by_second[kind]) do table.insert(seconds, at) end
      table.sort(seconds)
      for _, at in ipairs(seconds) do
        left = left - by_second[kind][at]
        if left + costs[kind] <= limit then
          wait = math.max(wait, (at + span + 1) * 1000 - now)
          break
        end
      end
    end
  end
  if wait > 0 then return {0, wait} end
  if limits.r > 0 then redis.call('HINCRBY', KEYS[2], 'r' .. second, 1) end
  if limits.t > 0 then redis.call('HINCRBY', KEYS[2], 't' .. second, costs.t) end
  redis.call('PEXPIRE', KEYS[2], (span + 2) * 1000)
end
if concurrency > 0 then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('DEL', KEYS[4])
  return {1, second, share(KEYS[1], KEYS[3], concurrency)}
end
return {1, second, 0}
"""
)

# KEYS: slots, queue, alive:<holder>. ARGV: holder, concurrency, lease ms, key prefix.
# Frees the holder's slot (if it has one) and leaves the queue (if in it): the end of a request,
# and of a wait given up. Returns 1 when a slot was freed.
RELEASE = (
    _NOW
    + _SHARE
    + """
redis.call('DEL', KEYS[3])
redis.call('LREM', KEYS[2], 0, ARGV[1])
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 1 end
while true do
  local waiter = redis.call('LPOP', KEYS[2])
  if not waiter then break end
  if redis.call('EXISTS', ARGV[4] .. ':alive:' .. waiter) == 1
      and not redis.call('ZSCORE', KEYS[1], waiter) then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), waiter)
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    local wake = ARGV[4] .. ':wake:' .. waiter
    redis.call('RPUSH', wake, share(KEYS[1], KEYS[2], tonumber(ARGV[2])))
    redis.call('PEXPIRE', wake, 60000)
    break
  end
end
return 1
"""
)

# KEYS: slots. ARGV: holder, lease ms. Returns 0 when the lease was lost (expired, reclaimed).
RENEW = (
    _NOW
    + """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
"""
)
