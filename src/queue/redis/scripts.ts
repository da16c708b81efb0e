import { LuaScript } from './lua-script.js';

/**
 * The queue's keys, under one prefix: `ready` (zset, score = (2 - priority) * 2^42 + seq, so
 * ZPOPMIN takes the highest priority, then push order), `delayed` (zset by due time),
 * `reserved` (zset by reservation deadline), `seq` (counter) and `job:<id>` (hash: p priority,
 * s seq, t token, n reservations, a available since: push or due time). Times are the server's
 * clock (TIME), in ms.
 */
const PRELUDE = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local function fmt(n) return string.format('%.0f', n) end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function score(p, s) return (2 - tonumber(p)) * 4398046511104 + tonumber(s) end
`;

/**
 * KEYS ready, delayed, seq; ARGV job key prefix, then (id, priority, delay ms) for each job, in
 * push order. A job already there is left as it is. Returns how many were queued.
 */
export const pushScript = new LuaScript(`${PRELUDE}
local now = now_ms()
local queued = 0
for i = 2, #ARGV, 3 do
  local id, p, delay = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local key = ARGV[1] .. id
  if redis.call('EXISTS', key) == 0 then
    local seq = redis.call('INCR', KEYS[3])
    redis.call('HSET', key, 'p', p, 's', seq, 'n', 0, 'a', fmt(now + delay))
    if delay > 0 then
      redis.call('ZADD', KEYS[2], fmt(now + delay), id)
    else
      redis.call('ZADD', KEYS[1], fmt(score(p, seq)), id)
    end
    queued = queued + 1
  end
end
return queued
`);

/**
 * KEYS ready, delayed, reserved; ARGV job key prefix, visibility ms, token prefix, batch, max.
 * Moves due jobs and expired reservations back to ready at their original place, then takes up
 * to max jobs from the head. Returns {id, priority, reservations} flat, one triple per job in
 * queue order; the i-th job's token is the token prefix followed by i (from 1).
 */
export const reserveScript = new LuaScript(`${PRELUDE}
local now = now_ms()
local function requeue(set)
  local ids = redis.call('ZRANGEBYSCORE', set, '-inf', fmt(now), 'LIMIT', 0, tonumber(ARGV[4]))
  for _, id in ipairs(ids) do
    redis.call('ZREM', set, id)
    local f = redis.call('HMGET', ARGV[1] .. id, 'p', 's')
    if f[1] then redis.call('ZADD', KEYS[1], fmt(score(f[1], f[2])), id) end
  end
end
requeue(KEYS[2])
requeue(KEYS[3])
local until_ms = fmt(now + tonumber(ARGV[2]))
local max = tonumber(ARGV[5])
local out = {}
local taken = 0
while taken < max do
  local popped = redis.call('ZPOPMIN', KEYS[1], max - taken)
  if #popped == 0 then break end
  for i = 1, #popped, 2 do
    local id = popped[i]
    local key = ARGV[1] .. id
    local p = redis.call('HGET', key, 'p')
    if p then
      taken = taken + 1
      local n = redis.call('HINCRBY', key, 'n', 1)
      redis.call('HSET', key, 't', ARGV[3] .. taken)
      redis.call('ZADD', KEYS[3], until_ms, id)
      out[#out + 1] = id
      out[#out + 1] = tonumber(p)
      out[#out + 1] = n
    end
  end
end
return out
`);

/** KEYS ready, reserved; ARGV job key, id, token, visibility ms. 1 if extended, 0 if lost. */
export const extendScript = new LuaScript(`${PRELUDE}
if redis.call('HGET', ARGV[1], 't') ~= ARGV[3] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], fmt(now_ms() + tonumber(ARGV[4])), ARGV[2])
return 1
`);

/**
 * KEYS ready, delayed, reserved; ARGV job key prefix, then (id, token) for each reservation.
 * Deletes the jobs still held by those tokens; returns the ids held by another token (a newer
 * reservation). A job that is gone counts as deleted.
 */
export const deleteScript = new LuaScript(`${PRELUDE}
local held = {}
for i = 2, #ARGV, 2 do
  local id = ARGV[i]
  local key = ARGV[1] .. id
  local t = redis.call('HGET', key, 't')
  if t == ARGV[i + 1] then
    redis.call('DEL', key)
    for k = 1, 3 do redis.call('ZREM', KEYS[k], id) end
  elseif redis.call('EXISTS', key) == 1 then
    held[#held + 1] = id
  end
end
return held
`);

/** KEYS ready, delayed, reserved; ARGV job key, id. 1 if the job was there. */
export const removeScript = new LuaScript(`${PRELUDE}
local existed = redis.call('DEL', ARGV[1])
for i = 1, 3 do redis.call('ZREM', KEYS[i], ARGV[2]) end
return existed
`);

/** KEYS ready, delayed, reserved. Queued, delayed and expired-reservation jobs. */
export const depthScript = new LuaScript(`${PRELUDE}
return redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2])
  + redis.call('ZCOUNT', KEYS[3], '-inf', fmt(now_ms()))
`);

/**
 * KEYS ready, delayed, reserved; ARGV job key prefix. Returns {ready, delayed, oldest ready age
 * ms}. Due members of delayed and expired members of reserved count as ready before a reserve
 * moves them. The age is the oldest of a few candidates, never a scan: the head of each priority
 * band of ready (FIFO, so its oldest push, up to a delayed job that fell due after later pushes),
 * the earliest due delayed job and the earliest expired reservation; `a` in the job hash is when
 * the job became available (push time, or due time when delayed).
 */
export const backlogScript = new LuaScript(`${PRELUDE}
local now = now_ms()
local due = redis.call('ZCOUNT', KEYS[2], '-inf', fmt(now))
local expired = redis.call('ZCOUNT', KEYS[3], '-inf', fmt(now))
local ready = redis.call('ZCARD', KEYS[1]) + due + expired
local delayed = redis.call('ZCARD', KEYS[2]) - due
local oldest = nil
local function consider(at)
  if at and (oldest == nil or at < oldest) then oldest = at end
end
local function available_at(id) return tonumber(redis.call('HGET', ARGV[1] .. id, 'a')) end
for p = 0, 2 do
  local band = redis.call('ZRANGEBYSCORE', KEYS[1], fmt(score(p, 0)), '(' .. fmt(score(p - 1, 0)), 'LIMIT', 0, 1)
  if band[1] then consider(available_at(band[1])) end
end
local d = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', fmt(now), 'WITHSCORES', 'LIMIT', 0, 1)
if d[1] then consider(tonumber(d[2])) end
local r = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', fmt(now), 'LIMIT', 0, 1)
if r[1] then consider(available_at(r[1])) end
local age = 0
if oldest then age = math.max(0, now - oldest) end
return {ready, delayed, age}
`);
