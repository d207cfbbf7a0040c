/**
 * Erasure scripts (layout: FORMAT.md "Privacy (v1)"). Keys arrive fully built (with the connection
 * prefix, from keys.ts / experiment-keys.ts / privacy-keys.ts), because ioredis' keyPrefix does not
 * reach keys inside a script. Each script runs atomically.
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
 * ARGV: privacy root (prefix + `privacy:v1:`), payload `{subject, req, profile, keys}`. Writes the
 * tombstone FIRST — atomically with deleting the user's fixed keys, so no batch applied later can
 * re-create them from erased events — with `at` = Redis time (never moved back), the consent refusal
 * (the profile's `optout`, else the previous tombstone's) and the erasure index entry. Returns
 * `{at, previousAt|'', previousRequestId|'', firstAt, erasures, refused (1/0), sizes[]}`.
 */
export const ERASE_USER_LUA = `${SIZE_OF}
local PR = ARGV[1]
local e = cjson.decode(ARGV[2])
local function int(value) return string.format('%d', value) end
local tomb = PR .. 'tomb:' .. e.subject
local clock = redis.call('TIME')
local at = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local previous = redis.call('HMGET', tomb, 'at', 'req', 'first', 'n', 'optout')
if previous[1] and tonumber(previous[1]) > at then at = tonumber(previous[1]) end
local refused = previous[5] == '1'
local stated = redis.call('HGET', e.profile, 'optout')
if stated then refused = stated == '1' end
local first = previous[3] or int(at)
local erasures = tonumber(previous[4] or '0') + 1
redis.call('HSET', tomb, 'at', int(at), 'req', e.req, 'first', first, 'n', int(erasures),
  'optout', refused and '1' or '0')
redis.call('ZADD', PR .. 'erased', at, e.subject)
local sizes = {}
for _, key in ipairs(e.keys) do
  table.insert(sizes, size_of(key))
  redis.call('DEL', key)
end
return {int(at), previous[1] or '', previous[2] or '', first, int(erasures), refused and 1 or 0, sizes}
`;

/** ARGV[1]: JSON array of keys. Deletes them; returns their sizes (see SIZE_OF), in order. */
export const ERASE_KEYS_LUA = `${SIZE_OF}
local sizes = {}
for _, key in ipairs(cjson.decode(ARGV[1])) do
  table.insert(sizes, size_of(key))
  redis.call('DEL', key)
end
return sizes
`;

/**
 * ARGV: the user key, JSON array of `[op, key]`: `srem` (a set of user keys), `hdel` (a hash whose
 * fields are user keys), `unlink_req` (a served request whose `u` field may be the user: the field is
 * removed, the request's counters stay). Returns 1 per entry the user was removed from, else 0.
 */
export const REMOVE_USER_REFERENCES_LUA = `
local user = ARGV[1]
local removed = {}
for _, entry in ipairs(cjson.decode(ARGV[2])) do
  local op, key = entry[1], entry[2]
  local done = 0
  if op == 'srem' then done = redis.call('SREM', key, user)
  elseif op == 'hdel' then done = redis.call('HDEL', key, user)
  elseif op == 'unlink_req' and redis.call('HGET', key, 'u') == user then
    done = redis.call('HDEL', key, 'u')
  end
  table.insert(removed, done)
end
return removed
`;

/**
 * ARGV: privacy root, fingerprint of this service's tombstone secret. Stores it when none is stored
 * (or when no tombstone exists yet, so a development setup can switch to a real secret). Returns
 * `stored`, `same`, `replaced` or `mismatch`.
 */
export const CHECK_TOMBSTONE_KEY_LUA = `
local PR, fingerprint = ARGV[1], ARGV[2]
local current = redis.call('GET', PR .. 'key')
if current == fingerprint then return 'same' end
if not current then
  redis.call('SET', PR .. 'key', fingerprint)
  return 'stored'
end
if redis.call('ZCARD', PR .. 'erased') == 0 then
  redis.call('SET', PR .. 'key', fingerprint)
  return 'replaced'
end
return 'mismatch'
`;
