/**
 * The one script of the feature write path: a generic executor of slot groups' compacted writes, each
 * group guarded by a compare-and-set on its guard hash. It knows no feature (no window, weight or limit:
 * every number arrives in ARGV), and touches only KEYS. On one Redis a run carries many groups (one
 * round trip and one script call for a whole flush phase); on a Redis Cluster each run carries groups of
 * one slot only (the caller sends one group per run there).
 *
 * ARGV[1] is the number of groups; then, per group, the number of its keys, the number of its arguments,
 * and its arguments. KEYS holds the groups' keys in order, each group's guard hash first; a key index in
 * a group's arguments counts from that group's first key (1 = its guard). A group's arguments: the number
 * of checks, then (field, expected) pairs ('' = absent); the number of guard fields to set, then (field,
 * value) pairs; the guard's time to live in seconds (0 = none); then the operations, each a code, the
 * index of its key, and its arguments:
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
 *   V k value seconds SET of a whole value, with EX seconds (0 = no TTL)
 * A group whose check fails writes nothing; the others are applied. Returns the (1-based) numbers of the
 * groups whose checks failed.
 */
export const EXECUTE_WRITES_LUA = `
local at = 1
local function nextArg() local value = ARGV[at]; at = at + 1; return value end

local function applyOperations(keyBase, groupEnd)
  while at < groupEnd do
    local code = nextArg()
    local key = KEYS[keyBase + tonumber(nextArg())]
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
    elseif code == 'V' then
      local value = nextArg()
      local seconds = tonumber(nextArg())
      if seconds > 0 then redis.call('SET', key, value, 'EX', seconds) else redis.call('SET', key, value) end
    else
      return redis.error_reply('unknown write code ' .. tostring(code))
    end
  end
end

local refused = {}
local keyBase = 0
for group = 1, tonumber(nextArg()) do
  local keyCount = tonumber(nextArg())
  local groupEnd = tonumber(nextArg())
  groupEnd = at + groupEnd
  local guard = KEYS[keyBase + 1]
  local holds = true
  local checkCount = tonumber(nextArg())
  if checkCount > 0 then
    local fields, expected = {}, {}
    for check = 1, checkCount do fields[check] = nextArg(); expected[check] = nextArg() end
    local stored = redis.call('HMGET', guard, unpack(fields))
    for check = 1, checkCount do
      if (stored[check] or '') ~= expected[check] then holds = false end
    end
  end
  if holds then
    local guardWrites = {}
    for _ = 1, tonumber(nextArg()) * 2 do table.insert(guardWrites, nextArg()) end
    local guardTtl = tonumber(nextArg())
    local failed = applyOperations(keyBase, groupEnd)
    if failed then return failed end
    if #guardWrites > 0 then redis.call('HSET', guard, unpack(guardWrites)) end
    if guardTtl > 0 then redis.call('EXPIRE', guard, guardTtl) end
  else
    table.insert(refused, group)
    at = groupEnd
  end
  keyBase = keyBase + keyCount
end
return refused
`;
