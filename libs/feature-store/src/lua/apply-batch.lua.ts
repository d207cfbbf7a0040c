/**
 * Applies a batch of update plans atomically (one script run) and at most once per event id. Key shapes
 * follow FORMAT.md; `P` is the connection prefix + `fs:v1:` because ioredis' keyPrefix does not reach keys
 * built inside a script. Returns one entry per event: `a` applied, `d` duplicate event id, `o` already
 * applied per the stored offset, `e` erased user (tombstone, see FORMAT.md "Privacy (v1)"); applied
 * events with `snap` set also return the state before them. ARGV[3] is the tombstone key stem.
 * Data-quality counts sent with the batch are added to its window, plus the duplicates and
 * unknown-item events (no catalogue entry) the script itself found.
 */
export const APPLY_BATCH_LUA = `
local P = ARGV[1]
local batch = cjson.decode(ARGV[2])
local TOMB = ARGV[3]
local USER_WINDOWS = {{'1h', 3600000}, {'24h', 86400000}, {'30d', 2592000000}}
local ITEM_WINDOWS = {{'1h', 3600000}, {'24h', 86400000}}
local USER_WINDOWED = {view = true, search = true, cart = true, purchase = true}
local POPULARITY = {view = 1, click = 1, cart = 3, purchase = 5}
local SEQUENCE_LENGTH = 50
local PURCHASED_KEPT = 200
local LOOKBACK = 10
local TOP_N = 50

-- Keys touched by this batch: expiry and trimming run once per key at the end, not once per event.
local touched_users = {}
local touched_covis = {}
local touched_days = {}

local function fmt(value) return string.format('%.17g', value) end
local function int(value) return string.format('%d', value) end
local function user_key(user, suffix) return P .. '{u:' .. user .. '}:' .. suffix end
local function item_key(id) return P .. '{i:' .. id .. '}:p' end
local function covis_key(id) return P .. '{i:' .. id .. '}:cv' end

-- Tombstones of erased users, read once per subject (e.tk, a keyed hash of e.u) and batch.
local tombstones = {}
local function tombstone_of(subject)
  if tombstones[subject] == nil then
    local t = redis.call('HMGET', TOMB .. subject, 'at', 'optout')
    tombstones[subject] = t[1] and {at = tonumber(t[1]), optout = t[2] == '1'} or false
  end
  return tombstones[subject]
end

-- An erased user's event is skipped when it happened or was received at or before the erasure; after
-- it, while the refusal of personalisation carried by the tombstone (or stated since) stands. An event
-- stating consent updates what the tombstone carries.
local function erased(e)
  local t = e.tk and tombstone_of(e.tk)
  if not t then return false end
  if e.ts <= t.at or (e.rt or e.ts) <= t.at then return true end
  if e.pz ~= nil and (not e.pz) ~= t.optout then
    t.optout = not e.pz
    redis.call('HSET', TOMB .. e.tk, 'optout', t.optout and '1' or '0')
  end
  -- A history begun after the erasure keeps the refusal too, so the scorer stops personalising.
  if t.optout and redis.call('EXISTS', user_key(e.u, 'p')) == 1 then
    redis.call('HSET', user_key(e.u, 'p'), 'optout', '1')
  end
  return t.optout
end

-- Adds one event at ts to decayed counters (one read, one write for all windows).
local function decay_update(key, behaviour, ts, windows)
  local fields = {'t:' .. behaviour}
  for _, w in ipairs(windows) do table.insert(fields, 'd:' .. behaviour .. ':' .. w[1]) end
  local current = redis.call('HMGET', key, unpack(fields))
  local t0 = current[1] and tonumber(current[1]) or nil
  local writes = {}
  for index, w in ipairs(windows) do
    local value = tonumber(current[index + 1] or '0') or 0
    if t0 == nil then value = 1
    elseif ts >= t0 then value = value * math.exp(-(ts - t0) / w[2]) + 1
    else value = value + math.exp(-(t0 - ts) / w[2]) end
    table.insert(writes, fields[index + 1])
    table.insert(writes, fmt(value))
  end
  if t0 == nil or ts > t0 then
    table.insert(writes, fields[1])
    table.insert(writes, int(ts))
  end
  redis.call('HSET', key, unpack(writes))
end

-- A click's negatives are the other items of the impression it came from (shown but not clicked).
local function shown_but_not_clicked(e, exclude)
  local negatives = {}
  for _, id in ipairs(redis.call('LRANGE', user_key(e.u, 'imp:' .. e.req), 0, 49)) do
    if not exclude[id] then
      exclude[id] = true
      table.insert(negatives, {id, redis.call('HGETALL', item_key(id))})
    end
  end
  return negatives
end

local function snapshot(e)
  local items = {}
  for _, t in ipairs(e.items) do table.insert(items, {t.i, redis.call('HGETALL', item_key(t.i))}) end
  local negatives = {}
  if e.b == 'click' and e.req then
    local exclude = {}
    for _, t in ipairs(e.items) do exclude[t.i] = true end
    negatives = shown_but_not_clicked(e, exclude)
  elseif (batch.neg or 0) > 0 then
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
    redis.call('HGETALL', user_key(e.u, 'p')),
    redis.call('HGETALL', user_key(e.u, 'c')),
    redis.call('HGETALL', user_key(e.u, 'b')),
    redis.call('LRANGE', user_key(e.u, 'q'), 0, -1),
    items,
    negatives,
  }
end

-- first/last seen and the current session, in one read and one write.
local function update_profile_times(e, profile)
  local current = redis.call('HMGET', profile, 'first', 'last', 'sess', 'sess_start', 'sess_last', 'sess_n')
  local writes = {}
  local function put(field, value) table.insert(writes, field); table.insert(writes, value) end
  if (not current[1]) or e.ts < tonumber(current[1]) then put('first', int(e.ts)) end
  if (not current[2]) or e.ts > tonumber(current[2]) then put('last', int(e.ts)) end
  if current[3] ~= e.s then
    put('sess', e.s); put('sess_start', int(e.ts)); put('sess_last', int(e.ts)); put('sess_n', '1')
    redis.call('DEL', user_key(e.u, 'si'))
  else
    put('sess_n', int((tonumber(current[6]) or 0) + 1))
    if e.ts < tonumber(current[4]) then put('sess_start', int(e.ts)) end
    if e.ts > tonumber(current[5]) then put('sess_last', int(e.ts)) end
  end
  redis.call('HSET', profile, unpack(writes))
end

local function co_visit(e, item)
  local session_items = user_key(e.u, 'si')
  local previous = redis.call('LRANGE', session_items, 0, LOOKBACK - 1)
  local paired = {}
  for _, other in ipairs(previous) do
    if other ~= item and not paired[other] then
      paired[other] = true
      redis.call('ZINCRBY', covis_key(other), e.w, item)
      redis.call('ZINCRBY', covis_key(item), e.w, other)
      touched_covis[other] = true
      touched_covis[item] = true
    end
  end
  redis.call('LPUSH', session_items, item)
  redis.call('LTRIM', session_items, 0, LOOKBACK - 1)
end

local function interact(e, item)
  local catalogue = redis.call('HMGET', item_key(item), 'cat', 'brand')
  local category = e.cat or catalogue[1]
  if category then redis.call('HINCRBYFLOAT', user_key(e.u, 'c'), category, e.w) end
  if catalogue[2] then redis.call('HINCRBYFLOAT', user_key(e.u, 'b'), catalogue[2], e.w) end
  redis.call('LPUSH', user_key(e.u, 'q'), item)
  co_visit(e, item)
end

local function remember_impression(e)
  local key = user_key(e.u, 'imp:' .. e.req)
  local shown = user_key(e.u, 'sh')
  for _, t in ipairs(e.items) do
    redis.call('RPUSH', key, t.i)
    redis.call('HINCRBY', shown, t.i, 1)
  end
  redis.call('EXPIRE', key, 86400)
end

-- Outcomes the scorer filters on: what was bought, what was clicked after being shown, consent.
local function remember_outcomes(e, profile)
  if e.b == 'purchase' then
    for _, t in ipairs(e.items) do redis.call('ZADD', user_key(e.u, 'o'), e.ts, t.i) end
  elseif e.b == 'click' then
    for _, t in ipairs(e.items) do redis.call('HINCRBY', user_key(e.u, 'sh'), 'c:' .. t.i, 1) end
  end
  if e.pz ~= nil then redis.call('HSET', profile, 'optout', e.pz and '0' or '1') end
end

local function update_user(e)
  local profile = user_key(e.u, 'p')
  if e.b == 'impression' and e.req then remember_impression(e) end
  remember_outcomes(e, profile)
  redis.call('HINCRBY', profile, 'n:' .. e.b, 1)
  if USER_WINDOWED[e.b] then decay_update(profile, e.b, e.ts, USER_WINDOWS) end
  update_profile_times(e, profile)
  if e.rev then redis.call('HINCRBYFLOAT', profile, 'rev', e.rev) end
  for _, t in ipairs(e.items) do
    if t.p then
      redis.call('HINCRBYFLOAT', profile, 'price_sum', t.p)
      redis.call('HINCRBY', profile, 'price_n', 1)
    end
    if e.w > 0 then interact(e, t.i) end
  end
  if e.w > 0 then redis.call('LTRIM', user_key(e.u, 'q'), 0, SEQUENCE_LENGTH - 1) end
  touched_users[e.u] = true
end

-- Returns true when the item has a catalogue entry.
local function update_item(e, t)
  local key = item_key(t.i)
  local from_catalogue = redis.call('HEXISTS', key, 'upd') == 1
  redis.call('HINCRBY', key, 'n:' .. e.b, 1)
  if e.b == 'view' then decay_update(key, 'view', e.ts, ITEM_WINDOWS) end
  if e.rat then
    redis.call('HINCRBYFLOAT', key, 'rating_sum', e.rat)
    redis.call('HINCRBY', key, 'rating_n', 1)
  end
  if not from_catalogue then
    if t.p then redis.call('HSET', key, 'price', fmt(t.p)) end
    if e.cat then redis.call('HSETNX', key, 'cat', e.cat) end
  end
  local weight = POPULARITY[e.b]
  if weight then
    redis.call('ZINCRBY', P .. 'pop', weight, t.i)
    redis.call('ZINCRBY', P .. 'pop:d:' .. e.day, weight, t.i)
    touched_days[e.day] = true
    local category = redis.call('HGET', key, 'cat')
    if category then redis.call('ZINCRBY', P .. 'pop:c:' .. category, weight, t.i) end
  end
  return from_catalogue
end

local function apply_event(e)
  local captured = e.snap and snapshot(e) or nil
  update_user(e)
  local unknown = false
  for _, t in ipairs(e.items) do
    if not update_item(e, t) then unknown = true end
  end
  return captured, unknown
end

local duplicates = 0
local unknown_items = 0
local offset_key = batch.offsetKey and (P .. 'off:' .. batch.offsetKey) or nil
local stored_offset = offset_key and tonumber(redis.call('GET', offset_key) or '-1') or -1
local results = {}
for _, e in ipairs(batch.events) do
  if e.o and tonumber(e.o) <= stored_offset then
    table.insert(results, {'o'})
  elseif erased(e) then
    table.insert(results, {'e'})
  elseif not redis.call('SET', P .. 'seen:' .. e.id, '1', 'NX', 'EX', batch.dedupeTtl) then
    duplicates = duplicates + 1
    table.insert(results, {'d'})
  else
    local captured, unknown = apply_event(e)
    if unknown then unknown_items = unknown_items + 1 end
    if captured then table.insert(results, {'a', captured}) else table.insert(results, {'a'}) end
  end
end

for user in pairs(touched_users) do
  for _, suffix in ipairs({'p', 'c', 'b', 'q', 'sh', 'o'}) do redis.call('EXPIRE', user_key(user, suffix), batch.userTtl) end
  local purchased = user_key(user, 'o')
  if redis.call('ZCARD', purchased) > PURCHASED_KEPT then redis.call('ZREMRANGEBYRANK', purchased, 0, -(PURCHASED_KEPT + 1)) end
  redis.call('EXPIRE', user_key(user, 'si'), 86400)
end
for item in pairs(touched_covis) do
  local key = covis_key(item)
  if redis.call('ZCARD', key) > TOP_N then redis.call('ZREMRANGEBYRANK', key, 0, -(TOP_N + 1)) end
end
for day in pairs(touched_days) do redis.call('EXPIRE', P .. 'pop:d:' .. day, 691200) end
if offset_key and batch.lastOffset then redis.call('SET', offset_key, batch.lastOffset) end
if batch.dq then
  local dq = P .. 'dq:' .. batch.dq.window
  batch.dq.counts.duplicate = (batch.dq.counts.duplicate or 0) + duplicates
  batch.dq.counts.unknown_item = (batch.dq.counts.unknown_item or 0) + unknown_items
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
-- New arrivals (exploration candidates): first catalogue appearance, newest 1000 kept.
if not current then
  redis.call('ZADD', KEYS[2], 'NX', updated, ARGV[8])
  if redis.call('ZCARD', KEYS[2]) > 1000 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -1001) end
end
redis.call('HSET', key, 'upd', ARGV[1], 'title', ARGV[2], 'cat', ARGV[3], 'price', ARGV[4], 'cur', ARGV[5], 'avail', ARGV[6])
if ARGV[7] ~= '' then redis.call('HSET', key, 'brand', ARGV[7]) else redis.call('HDEL', key, 'brand') end
return 1
`;
