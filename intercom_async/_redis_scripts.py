"""The Lua scripts of ``RedisRateBudget``: the pacing rules of ``_pacing.py``, run inside Redis.

Each script is atomic and reads Redis's own clock (``TIME``), so workers on several machines
share one state without synchronised clocks. Times in the state are Redis seconds. The rules
are ``PacingState``'s, written a second time because they must run where the state is; the
tests hold both to the same behaviour (``tests/test_redis_budget.py``).

State (one hash, expiring when unused): ``limit``, ``remaining``, ``reset_at`` (the window as
the server last reported it), ``granted`` (a sequence over all workers), ``last_grant_at``,
``paused_until``, ``ceiling_tat`` (the client-side ceiling's GCRA), ``answered``,
``probe_seq`` / ``probe_until`` (the one probe out while the window is unknown),
``backoff_level`` and ``pause_seq`` (the pause for 429s that carry no reset).
"""

from __future__ import annotations

# Shared by both scripts: read the clock and the state.
_PRELUDE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local raw = redis.call('HMGET', KEYS[1], 'limit', 'remaining', 'reset_at', 'granted',
  'last_grant_at', 'paused_until', 'ceiling_tat', 'answered', 'probe_seq', 'probe_until',
  'backoff_level', 'pause_seq')
local s = {
  limit = tonumber(raw[1]), remaining = tonumber(raw[2]), reset_at = tonumber(raw[3]),
  granted = tonumber(raw[4]) or 0, last_grant_at = tonumber(raw[5]) or -1e18,
  paused_until = tonumber(raw[6]) or 0, ceiling_tat = tonumber(raw[7]) or -1e18,
  answered = raw[8] == '1', probe_seq = tonumber(raw[9]), probe_until = tonumber(raw[10]),
  backoff_level = tonumber(raw[11]) or 0, pause_seq = tonumber(raw[12]) or 0,
}
local function save(ttl)
  local out = {'granted', s.granted, 'last_grant_at', s.last_grant_at,
    'paused_until', s.paused_until, 'ceiling_tat', s.ceiling_tat,
    'answered', s.answered and '1' or '0', 'backoff_level', s.backoff_level,
    'pause_seq', s.pause_seq}
  local gone = {}
  for _, name in ipairs({'limit', 'remaining', 'reset_at', 'probe_seq', 'probe_until'}) do
    if s[name] == nil then table.insert(gone, name)
    else table.insert(out, name); table.insert(out, s[name]) end
  end
  if #gone > 0 then redis.call('HDEL', KEYS[1], unpack(gone)) end
  redis.call('HSET', KEYS[1], unpack(out))
  redis.call('EXPIRE', KEYS[1], ttl)
end
local function probing()
  if not s.answered then return true end
  return s.remaining ~= nil and s.remaining <= 0 and s.reset_at == nil
end
"""

# ARGV: pace_below, ceiling count (0: none), ceiling period, probe_timeout, jitter, ttl.
# Returns {1, ticket, 0} when the request may go, or {0, wait in microseconds, paused} where
# paused is 1 while a 429 holds everyone back.
ACQUIRE = (
    _PRELUDE
    + """
local pace_below, c_count, c_period = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local probe_timeout, jitter, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
if s.reset_at ~= nil and now >= s.reset_at then
  s.reset_at = nil
  s.remaining = s.limit
end
if not s.answered and s.probe_seq ~= nil and s.probe_until ~= nil and now >= s.probe_until then
  s.answered = true
end
local wait = s.paused_until - now
if probing() then
  if s.probe_until ~= nil and now < s.probe_until then
    wait = math.max(wait, s.probe_until - now)
  end
elseif s.remaining ~= nil and s.reset_at ~= nil then
  if s.remaining <= 0 then
    wait = math.max(wait, s.reset_at - now + jitter)
  elseif s.limit ~= nil and s.limit > 0 and s.remaining < s.limit * pace_below then
    local interval = (s.reset_at - now) / (s.remaining + 1)
    wait = math.max(wait, s.last_grant_at + interval - now)
  end
end
if c_count > 0 then
  wait = math.max(wait, s.ceiling_tat - (c_period - c_period / c_count) - now)
end
if wait > 0 then
  return {0, math.ceil(wait * 1e6), s.paused_until > now and 1 or 0}
end
s.granted = s.granted + 1
if probing() then
  s.probe_seq = s.granted
  s.probe_until = now + probe_timeout
end
s.last_grant_at = now
if s.remaining ~= nil then s.remaining = s.remaining - 1 end
if c_count > 0 then
  s.ceiling_tat = math.max(s.ceiling_tat, now) + c_period / c_count
end
save(ttl)
return {1, s.granted, 0}
"""
)

# ARGV: ticket, status, has_snapshot, limit (-1: none), remaining (-1: none), reset_in (-1:
# none), retry_after (-1: none), jitter, backoff_base, backoff_cap, backoff_draw (0..1),
# max_reset_horizon, ttl. Statuses 0 (no response) and -1 (cancelled) teach nothing.
# Returns 1 when a 429 paused every worker.
RECORD = (
    _PRELUDE
    + """
local seq, status, has = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'
local limit, remaining = tonumber(ARGV[4]), tonumber(ARGV[5])
local reset_in, retry_after = tonumber(ARGV[6]), tonumber(ARGV[7])
local jitter, base, cap, draw = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]),
  tonumber(ARGV[11])
local horizon, ttl = tonumber(ARGV[12]), tonumber(ARGV[13])
if s.probe_seq ~= nil and seq == s.probe_seq then
  s.probe_seq = nil
  if status == -1 then s.probe_until = nil end
end
if status == 0 or status == -1 then
  save(ttl)
  return 0
end
s.answered = true
if status >= 200 and status < 400 then s.backoff_level = 0 end
local reset = nil
if has and reset_in >= 0 then reset = now + math.min(reset_in, horizon) end
if has then
  if limit >= 0 then s.limit = limit end
  if remaining >= 0 then
    -- Requests granted after this one reached the server later: the header missed them.
    local left = remaining - (s.granted - seq)
    -- Reports of one window reach workers at slightly different moments: resets within a
    -- second of each other are the same window.
    if reset == nil or s.reset_at == nil or reset > s.reset_at + 1 then
      if not (reset ~= nil and s.reset_at ~= nil and reset < s.reset_at - 1) then
        if reset ~= nil then s.reset_at = reset end
        s.remaining = left
      end
    elseif math.abs(reset - s.reset_at) <= 1 then
      s.remaining = math.min(s.remaining or left, left)
    end
    if remaining > 0 then s.probe_until = nil end
  end
elseif status < 400 and probing() then
  s.remaining = nil
  s.probe_until = nil
end
if status ~= 429 then
  save(ttl)
  return 0
end
if has and remaining > 0 then
  save(ttl)
  return 0  -- a job-concurrency 429: the window is not the problem
end
if reset ~= nil and reset > now then
  s.reset_at = reset
  s.remaining = 0
  s.paused_until = math.max(s.paused_until, reset + jitter)
  save(ttl)
  return 1
end
if seq > s.pause_seq then
  s.backoff_level = s.backoff_level + 1
  s.pause_seq = s.granted
  local step
  if has and retry_after >= 0 then
    step = math.min(retry_after, horizon)
  else
    step = math.min(cap, base * 2 ^ (s.backoff_level - 1)) * (0.5 + draw / 2)
  end
  s.paused_until = math.max(s.paused_until, now + step)
end
save(ttl)
return 1
"""
)
