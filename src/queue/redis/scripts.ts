import { LuaScript } from './lua-script.js';

/**
 * The queue's keys, under one prefix: `ready` (zset, score = (2 - priority) * 2^42 + seq, so
 * ZPOPMIN takes the highest priority, then push order), `delayed` (zset by due time),
 * `reserved` (zset by reservation deadline), `seq` (counter) and `job:<id>` (hash: p priority,
 * s seq, t token, n reservations). Times are the server's clock (TIME), in ms.
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

/** KEYS ready, delayed, seq; ARGV job key prefix, id, priority, delay ms. 1 if queued, 0 if there. */
export const pushScript = new LuaScript(`${PRELUDE}
local key = ARGV[1] .. ARGV[2]
if redis.call('EXISTS', key) == 1 then return 0 end
local seq = redis.call('INCR', KEYS[3])
redis.call('HSET', key, 'p', ARGV[3], 's', seq, 'n', 0)
local delay = tonumber(ARGV[4])
if delay > 0 then
  redis.call('ZADD', KEYS[2], fmt(now_ms() + delay), ARGV[2])
else
  redis.call('ZADD', KEYS[1], fmt(score(ARGV[3], seq)), ARGV[2])
end
return 1
`);

/**
 * KEYS ready, delayed, reserved; ARGV job key prefix, visibility ms, token, batch. Moves due
 * jobs and expired reservations back to ready at their original place, then takes the head.
 * Returns {id, priority, reservations} or nil.
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
while true do
  local head = redis.call('ZPOPMIN', KEYS[1])
  if #head == 0 then return nil end
  local id = head[1]
  local key = ARGV[1] .. id
  local p = redis.call('HGET', key, 'p')
  if p then
    local n = redis.call('HINCRBY', key, 'n', 1)
    redis.call('HSET', key, 't', ARGV[3])
    redis.call('ZADD', KEYS[3], fmt(now + tonumber(ARGV[2])), id)
    return {id, tonumber(p), n}
  end
end
`);

/** KEYS ready, reserved; ARGV job key, id, token, visibility ms. 1 if extended, 0 if lost. */
export const extendScript = new LuaScript(`${PRELUDE}
if redis.call('HGET', ARGV[1], 't') ~= ARGV[3] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], fmt(now_ms() + tonumber(ARGV[4])), ARGV[2])
return 1
`);

/** KEYS ready, delayed, reserved; ARGV job key, id, token. 1 if gone (deleted or absent), 0 if lost. */
export const deleteScript = new LuaScript(`${PRELUDE}
if redis.call('EXISTS', ARGV[1]) == 0 then return 1 end
if redis.call('HGET', ARGV[1], 't') ~= ARGV[3] then return 0 end
redis.call('DEL', ARGV[1])
for i = 1, 3 do redis.call('ZREM', KEYS[i], ARGV[2]) end
return 1
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
