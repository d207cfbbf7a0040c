/**
 * Erasure scripts (layout: FORMAT.md "Privacy (v1)"). Each declares its keys, which share one slot (a
 * tombstone; a user's own keys, all tagged `{u:<userKey>}`; one experiment key), so erasure runs on
 * Redis Cluster as on one Redis. Each script runs atomically.
 */

/** Entries of a key before it goes: fields, list entries or members; 1 for a string; -1 when absent. */
const SIZE_OF = `
local function size_of(key)
  local kind = redis.call('TYPE', key)['ok']
  if kind == 'hash' then return redis.call('HLEN', key) end
  if kind == 'list' then return redis.call('LLEN', key) end
  if kind == 'zset' then return redis.call('ZCARD', key) end
  if kind == 'set' then return redis.call('SCARD', key) end
  if kind == 'none' then return -1 end
  return 1
end
`;

/**
 * KEYS[1]: the tombstone. ARGV: request id, the consent the user's profile states (`0`, `1` or '').
 * Writes the tombstone with `at` = Redis time (never moved back), the consent refusal (the profile's,
 * else the previous tombstone's). Returns `{at, previousAt|'', previousRequestId|'', firstAt, erasures,
 * refused (1/0)}`.
 */
export const WRITE_TOMBSTONE_LUA = `
local tomb = KEYS[1]
local function int(value) return string.format('%d', value) end
local clock = redis.call('TIME')
local at = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local previous = redis.call('HMGET', tomb, 'at', 'req', 'first', 'n', 'optout')
if previous[1] and tonumber(previous[1]) > at then at = tonumber(previous[1]) end
local refused = previous[5] == '1'
if ARGV[2] ~= '' then refused = ARGV[2] == '1' end
local first = previous[3] or int(at)
local erasures = tonumber(previous[4] or '0') + 1
redis.call('HSET', tomb, 'at', int(at), 'req', ARGV[1], 'first', first, 'n', int(erasures),
  'optout', refused and '1' or '0')
return {int(at), previous[1] or '', previous[2] or '', first, int(erasures), refused and 1 or 0}
`;

/**
 * KEYS[1]: the user's guard, KEYS[2..]: the user's own keys. ARGV: the guard's erasure-mark field, the
 * erasure time, the mark's time to live (s). Deletes the keys and resets the guard to the mark alone, so
 * a writer holding the user's state from before finds another mark and re-reads; the mark expires once
 * no writer can still hold such state. Returns the keys' sizes (see size_of), in order.
 */
export const ERASE_USER_KEYS_LUA = `${SIZE_OF}
local sizes = {}
for index = 2, #KEYS do
  table.insert(sizes, size_of(KEYS[index]))
  redis.call('DEL', KEYS[index])
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return sizes
`;

/**
 * KEYS[1]: a key that may name the user. ARGV: the op, the user key: `srem` (a set of user keys),
 * `hdel` (a hash whose fields are user keys), `unlink_req` (a served request whose `u` field may be the
 * user: the field is removed, the request's counters stay). Returns 1 when the user was removed.
 */
export const REMOVE_USER_REFERENCE_LUA = `
local key, op, user = KEYS[1], ARGV[1], ARGV[2]
if op == 'srem' then return redis.call('SREM', key, user) end
if op == 'hdel' then return redis.call('HDEL', key, user) end
if op == 'unlink_req' and redis.call('HGET', key, 'u') == user then return redis.call('HDEL', key, 'u') end
return 0
`;
