/**
 * The one script of the feature write path: a generic executor of one slot group's compacted writes,
 * guarded by a compare-and-set on the group's guard hash. It knows no feature (no window, weight or
 * limit: every number arrives in ARGV), and touches only KEYS, which share one slot.
 *
 * KEYS[1] is the guard hash, KEYS[2..] the written keys. ARGV: the number of checks, then (field,
 * expected) pairs ('' = absent); the number of guard fields to set, then (field, value) pairs; the
 * guard's time to live in seconds (0 = none); then the operations, each a code, the index of its key in KEYS, and its arguments:
 *   X k               DEL
 *   D k n f…          HDEL of n fields
 *   S k n f v…        HSET of n pairs
 *   N k f v           HSETNX
 *   F k n f by…       HINCRBYFLOAT of n fields
 *   Z k n m by…       ZINCRBY of n members
 *   A k n score m…    ZADD of n members
 *   T k keep          keep the sorted set's `keep` highest members
 *   L k keep n v…     LPUSH of n values (oldest first), then keep the `keep` newest
 *   E k seconds       EXPIRE
 * Returns 1 when applied, 0 when a check failed (nothing written).
 */
export const EXECUTE_WRITES_LUA = `
local guard = KEYS[1]
local at = 1
local function nextArg() local value = ARGV[at]; at = at + 1; return value end

local checks = tonumber(nextArg())
for _ = 1, checks do
  local field, expected = nextArg(), nextArg()
  if (redis.call('HGET', guard, field) or '') ~= expected then return 0 end
end
local sets = tonumber(nextArg())
local guardWrites = {}
for _ = 1, sets * 2 do table.insert(guardWrites, nextArg()) end
local guardTtl = tonumber(nextArg())

while at <= #ARGV do
  local code = nextArg()
  local key = KEYS[tonumber(nextArg())]
  if code == 'X' then
    redis.call('DEL', key)
  elseif code == 'D' then
    local fields = {}
    for _ = 1, tonumber(nextArg()) do table.insert(fields, nextArg()) end
    redis.call('HDEL', key, unpack(fields))
  elseif code == 'S' then
    local args = {}
    for _ = 1, tonumber(nextArg()) * 2 do table.insert(args, nextArg()) end
    redis.call('HSET', key, unpack(args))
  elseif code == 'N' then
    redis.call('HSETNX', key, nextArg(), nextArg())
  elseif code == 'F' then
    for _ = 1, tonumber(nextArg()) do
      local field = nextArg()
      redis.call('HINCRBYFLOAT', key, field, nextArg())
    end
  elseif code == 'Z' then
    for _ = 1, tonumber(nextArg()) do
      local member = nextArg()
      redis.call('ZINCRBY', key, nextArg(), member)
    end
  elseif code == 'A' then
    local args = {}
    for _ = 1, tonumber(nextArg()) * 2 do table.insert(args, nextArg()) end
    redis.call('ZADD', key, unpack(args))
  elseif code == 'T' then
    local keep = tonumber(nextArg())
    if redis.call('ZCARD', key) > keep then redis.call('ZREMRANGEBYRANK', key, 0, -(keep + 1)) end
  elseif code == 'L' then
    local keep = tonumber(nextArg())
    local values = {}
    for _ = 1, tonumber(nextArg()) do table.insert(values, nextArg()) end
    redis.call('LPUSH', key, unpack(values))
    redis.call('LTRIM', key, 0, keep - 1)
  elseif code == 'E' then
    redis.call('EXPIRE', key, nextArg())
  else
    return redis.error_reply('unknown write code ' .. tostring(code))
  end
end
if #guardWrites > 0 then redis.call('HSET', guard, unpack(guardWrites)) end
if guardTtl > 0 then redis.call('EXPIRE', guard, guardTtl) end
return 1
`;
