"""The Lua scripts of :mod:`.limiter`; each runs atomically in Redis.

Keys: ``slots`` a sorted set of holder ids scored by lease expiry (ms, Redis clock); ``window``
a hash of per-second counts, ``r<second>`` requests and ``t<second>`` tokens; ``wake`` a list
that each release pushes to, for waiters blocked on BLPOP.
"""

# ARGV: holder, concurrency, lease ms, requests/min, tokens/min, tokens, window seconds.
# Returns {1, second of the window bucket} when admitted, {0, 0} when every slot is taken, or
# {0, ms} to wait for the window to slide. Limits of 0 are off. Expired leases are dropped.
ACQUIRE = """
local clock = redis.call('TIME')
local second = tonumber(clock[1])
local now = second * 1000 + math.floor(tonumber(clock[2]) / 1000)
local concurrency = tonumber(ARGV[2])
if concurrency > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  if redis.call('ZCARD', KEYS[1]) >= concurrency then return {0, 0} end
end
local limits = {r = tonumber(ARGV[4]), t = tonumber(ARGV[5])}
local costs = {r = 1, t = math.min(tonumber(ARGV[6]), limits.t)}
if limits.r > 0 or limits.t > 0 then
  local used, by_second = {r = 0, t = 0}, {r = {}, t = {}}
  local flat = redis.call('HGETALL', KEYS[2])
  for i = 1, #flat, 2 do
    local kind, at = string.sub(flat[i], 1, 1), tonumber(string.sub(flat[i], 2))
    if at < second - tonumber(ARGV[7]) then
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
          wait = math.max(wait, (at + tonumber(ARGV[7]) + 1) * 1000 - now)
          break
        end
      end
    end
  end
  if wait > 0 then return {0, wait} end
  if limits.r > 0 then redis.call('HINCRBY', KEYS[2], 'r' .. second, 1) end
  if limits.t > 0 then redis.call('HINCRBY', KEYS[2], 't' .. second, costs.t) end
  redis.call('PEXPIRE', KEYS[2], (tonumber(ARGV[7]) + 2) * 1000)
end
if concurrency > 0 then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
end
return {1, second}
"""

# ARGV: holder, concurrency (the wake-up list is kept no longer than that).
RELEASE = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[2], 1)
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
  redis.call('PEXPIRE', KEYS[2], 60000)
  return 1
end
return 0
"""

# ARGV: holder, lease ms. Returns 0 when the lease was lost (expired and reclaimed).
RENEW = """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
"""
