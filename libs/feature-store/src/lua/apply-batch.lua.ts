/**
 * Applies a batch of update plans atomically (one script run) and at most once per event id. Key shapes
 * follow FORMAT.md; `P` is the connection prefix + `fs:v1:` because ioredis' keyPrefix does not reach keys
 * built inside a script. Returns one entry per event: `a` applied, `d` duplicate event id, `o` already
 * applied per the stored offset; applied events with `snap` set also return the state before them.
 */
export const APPLY_BATCH_LUA = `
local P = ARGV[1]
local batch = cjson.decode(ARGV[2])
local USER_WINDOWS = {{'1h', 3600000}, {'24h', 86400000}, {'30d', 2592000000}}
local ITEM_WINDOWS = {{'1h', 3600000}, {'24h', 86400000}}
local USER_WINDOWED = {view = true, search = true, cart = true, purchase = true}
local POPULARITY = {view = 1, click = 1, cart = 3, purchase = 5}
local SEQUENCE_LENGTH = 50
local LOOKBACK = 10
local TOP_N = 50

local function fmt(value) return string.format('%.17g', value) end
local function int(value) return string.format('%d', value) end

local function decay_update(key, behaviour, ts, windows)
  local stamp = redis.call('HGET', key, 't:' .. behaviour)
  if not stamp then
    for _, w in ipairs(windows) do redis.call('HSET', key, 'd:' .. behaviour .. ':' .. w[1], '1') end
    redis.call('HSET', key, 't:' .. behaviour, int(ts))
    return
  end
  local t0 = tonumber(stamp)
  for _, w in ipairs(windows) do
    local field = 'd:' .. behaviour .. ':' .. w[1]
    local value = tonumber(redis.call('HGET', key, field) or '0')
    if ts >= t0 then value = value * math.exp(-(ts - t0) / w[2]) + 1 else value = value + math.exp(-(t0 - ts) / w[2]) end
    redis.call('HSET', key, field, fmt(value))
  end
  if ts > t0 then redis.call('HSET', key, 't:' .. behaviour, int(ts)) end
end

local function keep_min(key, field, ts)
  local current = redis.call('HGET', key, field)
  if (not current) or ts < tonumber(current) then redis.call('HSET', key, field, int(ts)) end
end

local function keep_max(key, field, ts)
  local current = redis.call('HGET', key, field)
  if (not current) or ts > tonumber(current) then redis.call('HSET', key, field, int(ts)) end
end

local function user_key(e, suffix) return P .. '{u:' .. e.u .. '}:' .. suffix end
local function item_key(id) return P .. '{i:' .. id .. '}:p' end
local function covis_key(id) return P .. '{i:' .. id .. '}:cv' end

local function snapshot(e)
  local items = {}
  for _, t in ipairs(e.items) do table.insert(items, {t.i, redis.call('HGETALL', item_key(t.i))}) end
  local negatives = {}
  if (batch.neg or 0) > 0 then
    local sampled = redis.call('ZRANDMEMBER', P .. 'pop', batch.neg * 2)
    local exclude = {}
    for _, t in ipairs(e.items) do exclude[t.i] = true end
    for _, id in ipairs(sampled) do
      if (not exclude[id]) and #negatives < batch.neg then
        exclude[id] = true
        table.insert(negatives, {id, redis.call('HGETALL', item_key(id))})
      end
    end
  end
  return {
    redis.call('HGETALL', user_key(e, 'p')),
    redis.call('HGETALL', user_key(e, 'c')),
    redis.call('HGETALL', user_key(e, 'b')),
    redis.call('LRANGE', user_key(e, 'q'), 0, -1),
    items,
    negatives,
  }
end

local function update_session(e, profile)
  if redis.call('HGET', profile, 'sess') ~= e.s then
    redis.call('HSET', profile, 'sess', e.s, 'sess_start', int(e.ts), 'sess_last', int(e.ts), 'sess_n', '0')
    redis.call('DEL', user_key(e, 'si'))
  end
  redis.call('HINCRBY', profile, 'sess_n', 1)
  keep_min(profile, 'sess_start', e.ts)
  keep_max(profile, 'sess_last', e.ts)
end

local function trim_covis(key)
  if redis.call('ZCARD', key) > TOP_N * 2 then redis.call('ZREMRANGEBYRANK', key, 0, -(TOP_N + 1)) end
end

local function co_visit(e, item)
  local session_items = user_key(e, 'si')
  local previous = redis.call('LRANGE', session_items, 0, LOOKBACK - 1)
  local paired = {}
  for _, other in ipairs(previous) do
    if other ~= item and not paired[other] then
      paired[other] = true
      redis.call('ZINCRBY', covis_key(other), e.w, item)
      redis.call('ZINCRBY', covis_key(item), e.w, other)
      trim_covis(covis_key(other))
    end
  end
  trim_covis(covis_key(item))
  redis.call('LPUSH', session_items, item)
  redis.call('LTRIM', session_items, 0, LOOKBACK - 1)
end

local function interact(e, item)
  local catalogue = item_key(item)
  local category = e.cat or redis.call('HGET', catalogue, 'cat')
  if category then redis.call('HINCRBYFLOAT', user_key(e, 'c'), category, e.w) end
  local brand = redis.call('HGET', catalogue, 'brand')
  if brand then redis.call('HINCRBYFLOAT', user_key(e, 'b'), brand, e.w) end
  redis.call('LPUSH', user_key(e, 'q'), item)
  co_visit(e, item)
end

local function update_user(e)
  local profile = user_key(e, 'p')
  redis.call('HINCRBY', profile, 'n:' .. e.b, 1)
  if USER_WINDOWED[e.b] then decay_update(profile, e.b, e.ts, USER_WINDOWS) end
  keep_min(profile, 'first', e.ts)
  keep_max(profile, 'last', e.ts)
  update_session(e, profile)
  if e.rev then redis.call('HINCRBYFLOAT', profile, 'rev', e.rev) end
  for _, t in ipairs(e.items) do
    if t.p then
      redis.call('HINCRBYFLOAT', profile, 'price_sum', t.p)
      redis.call('HINCRBY', profile, 'price_n', 1)
    end
    if e.w > 0 then interact(e, t.i) end
  end
  redis.call('LTRIM', user_key(e, 'q'), 0, SEQUENCE_LENGTH - 1)
  for _, suffix in ipairs({'p', 'c', 'b', 'q'}) do redis.call('EXPIRE', user_key(e, suffix), batch.userTtl) end
  redis.call('EXPIRE', user_key(e, 'si'), 86400)
end

local function update_item(e, t)
  local key = item_key(t.i)
  redis.call('HINCRBY', key, 'n:' .. e.b, 1)
  if e.b == 'view' then decay_update(key, 'view', e.ts, ITEM_WINDOWS) end
  if e.rat then
    redis.call('HINCRBYFLOAT', key, 'rating_sum', e.rat)
    redis.call('HINCRBY', key, 'rating_n', 1)
  end
  local from_catalogue = redis.call('HEXISTS', key, 'upd') == 1
  if t.p and not from_catalogue then redis.call('HSET', key, 'price', fmt(t.p)) end
  if e.cat and not from_catalogue then redis.call('HSETNX', key, 'cat', e.cat) end
  local weight = POPULARITY[e.b]
  if weight then
    redis.call('ZINCRBY', P .. 'pop', weight, t.i)
    local daily = P .. 'pop:d:' .. e.day
    redis.call('ZINCRBY', daily, weight, t.i)
    redis.call('EXPIRE', daily, 691200)
  end
end

local offset_key = batch.offsetKey and (P .. 'off:' .. batch.offsetKey) or nil
local stored_offset = offset_key and tonumber(redis.call('GET', offset_key) or '-1') or -1
local results = {}
for _, e in ipairs(batch.events) do
  if e.o and tonumber(e.o) <= stored_offset then
    table.insert(results, {'o'})
  elseif not redis.call('SET', P .. 'seen:' .. e.id, '1', 'NX', 'EX', batch.dedupeTtl) then
    table.insert(results, {'d'})
  else
    local captured = e.snap and snapshot(e) or nil
    update_user(e)
    for _, t in ipairs(e.items) do update_item(e, t) end
    if captured then table.insert(results, {'a', captured}) else table.insert(results, {'a'}) end
  end
end
if offset_key and batch.lastOffset then redis.call('SET', offset_key, batch.lastOffset) end
if batch.dq then
  local dq = P .. 'dq:' .. batch.dq.window
  for field, count in pairs(batch.dq.counts) do
    if count > 0 then redis.call('HINCRBY', dq, field, count) end
  end
  redis.call('EXPIRE', dq, 604800)
end
return results
`;

export const UPSERT_ITEM_LUA = `
local key = KEYS[1]
local updated = tonumber(ARGV[1])
local current = redis.call('HGET', key, 'upd')
if current and tonumber(current) >= updated then return 0 end
redis.call('HSET', key, 'upd', ARGV[1], 'title', ARGV[2], 'cat', ARGV[3], 'price', ARGV[4], 'cur', ARGV[5], 'avail', ARGV[6])
if ARGV[7] ~= '' then redis.call('HSET', key, 'brand', ARGV[7]) else redis.call('HDEL', key, 'brand') end
return 1
`;
