/**
 * Experiment and offer attribution, one atomic script per call (layout: FORMAT.md "Experiments (v1)").
 * Every script takes `P` (connection prefix + `exp:v1:`, because ioredis' keyPrefix does not reach keys
 * built inside a script) and one JSON payload, and is idempotent: a redelivered event or a command
 * ioredis re-sends after a reconnect finds its marker (request key, `seen:` marker, decision field,
 * set member) and changes nothing. ARGV[3] is the tombstone key stem (FORMAT.md "Privacy (v1)"): the
 * calls that record a user (impression, purchase, offer decision) carry the user's erasure subject `tk`
 * and skip the user's erased history, like the preprocessor's apply script.
 */
const PRELUDE = `
local P = ARGV[1]
local e = cjson.decode(ARGV[2])
local function int(value) return string.format('%d', value) end
local function exp_key(id, suffix) return P .. '{e:' .. id .. '}:' .. suffix end
local function offer_key(id, suffix) return P .. '{o:' .. id .. '}:' .. suffix end
local function exposures_key(user) return P .. '{u:' .. user .. '}:x' end
local function is_running(id) return redis.call('HEXISTS', P .. 'running', id) == 1 end

-- True for an erased user's event at or before the erasure (by event or receipt time), or while the
-- refusal of personalisation the tombstone carries stands.
local function erased_history(at, received)
  if not (ARGV[3] and e.tk) then return false end
  local t = redis.call('HMGET', ARGV[3] .. e.tk, 'at', 'optout')
  if not t[1] then return false end
  local erased_at = tonumber(t[1])
  return at <= erased_at or (received or at) <= erased_at or t[2] == '1'
end

-- Adds an exposure (or offer decision) to the user's attribution index, keeps only what a purchase can
-- still be attributed to (newer than the newest entry minus keep_ms, at most cap entries).
local function remember_exposure(user, at, member)
  local key = exposures_key(user)
  redis.call('ZADD', key, int(at), member)
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. int(tonumber(newest[2]) - e.keep))
  redis.call('ZREMRANGEBYRANK', key, 0, -(e.cap + 1))
  redis.call('PEXPIRE', key, int(e.keep))
end
`;

/**
 * Payload `{req, exp, arm, user, items ("\\n"-joined), at, reqTtl, keep, cap}`. Returns `{'counted',
 * newUser (1/0)}`, `{'duplicate'}` (request already counted), `{'not_running'}` or `{'unknown_arm'}`.
 */
export const RECORD_IMPRESSION_LUA = `${PRELUDE}
if erased_history(e.at, e.rt) then return {'erased'} end
local request = P .. 'req:' .. e.req
if redis.call('EXISTS', request) == 1 then return {'duplicate'} end
local arms = redis.call('HGET', P .. 'running', e.exp)
if not arms then return {'not_running'} end
local known = false
for _, name in ipairs(cjson.decode(arms)) do
  if name == e.arm then known = true end
end
if not known then return {'unknown_arm'} end
redis.call('HSET', request, 'e', e.exp, 'a', e.arm, 'u', e.user, 'i', e.items, 't', int(e.at))
redis.call('EXPIRE', request, e.reqTtl)
local counters = exp_key(e.exp, 'c')
redis.call('HINCRBY', counters, e.arm .. '|imp', 1)
local new_user = redis.call('SADD', exp_key(e.exp, 'xu:' .. e.arm), e.user)
if new_user == 1 then redis.call('HINCRBY', counters, e.arm .. '|xu', 1) end
remember_exposure(e.user, e.at, cjson.encode({'e', e.exp, e.arm, int(e.at)}))
return {'counted', new_user}
`;

/**
 * Payload `{id, req, item, dedupeTtl}`. Returns `{'counted', experimentId, arm, firstClickOfRequest}`,
 * `{'duplicate'}`, `{'unknown_request'}`, `{'not_running'}` or `{'not_shown'}` (item not in the list).
 * Only a counted click sets the event marker, so a click that arrived before its impression can be
 * retried later.
 */
export const RECORD_CLICK_LUA = `${PRELUDE}
local seen = P .. 'seen:' .. e.id
if redis.call('EXISTS', seen) == 1 then return {'duplicate'} end
local request = P .. 'req:' .. e.req
local r = redis.call('HMGET', request, 'e', 'a', 'i', 'c')
if not r[1] then return {'unknown_request'} end
if not is_running(r[1]) then return {'not_running'} end
if not string.find('\\n' .. r[3] .. '\\n', '\\n' .. e.item .. '\\n', 1, true) then
  return {'not_shown'}
end
redis.call('SET', seen, '1', 'EX', e.dedupeTtl)
local counters = exp_key(r[1], 'c')
redis.call('HINCRBY', counters, r[2] .. '|clk', 1)
local first = 0
if not r[4] then
  first = 1
  redis.call('HSET', request, 'c', '1')
  redis.call('HINCRBY', counters, r[2] .. '|cimp', 1)
end
return {'counted', r[1], r[2], first}
`;

/**
 * Payload `{id, user, at, cents, window, offerWindow, dedupeTtl}`. Attributes the purchase to every
 * running experiment arm the user was exposed to in [at − window, at], and to every offer decided for
 * the user in [at − offerWindow, at]. Returns `{'duplicate'}` or `{'recorded', {kind, id, arm|group,
 * newConversion}...}`.
 */
export const RECORD_PURCHASE_LUA = `${PRELUDE}
if erased_history(e.at, e.rt) then return {'erased'} end
local seen = P .. 'seen:' .. e.id
if not redis.call('SET', seen, '1', 'NX', 'EX', e.dedupeTtl) then return {'duplicate'} end
local oldest = e.at - math.max(e.window, e.offerWindow)
local members = redis.call('ZRANGEBYSCORE', exposures_key(e.user), int(oldest), int(e.at))
local done = {}
local result = {'recorded'}

local function add_purchase(counters, prefix, converted_key)
  local new = redis.call('SADD', converted_key, e.user)
  if new == 1 then redis.call('HINCRBY', counters, prefix .. '|cu', 1) end
  redis.call('HINCRBY', counters, prefix .. '|pur', 1)
  redis.call('HINCRBY', counters, prefix .. '|rev', int(e.cents))
  return new
end

for _, member in ipairs(members) do
  local m = cjson.decode(member)
  local unit = m[1] .. '|' .. m[2] .. '|' .. m[3]
  if m[1] == 'e' and not done[unit] and e.at - tonumber(m[4]) <= e.window and is_running(m[2]) then
    done[unit] = true
    local new = add_purchase(exp_key(m[2], 'c'), m[3], exp_key(m[2], 'cu:' .. m[3]))
    table.insert(result, {'e', m[2], m[3], new})
  elseif m[1] == 'o' and not done[unit] and e.at - tonumber(m[5]) <= e.offerWindow then
    done[unit] = true
    local new = add_purchase(offer_key(m[2], 'c'), m[3] .. '|' .. m[4], offer_key(m[2], 'cu'))
    table.insert(result, {'o', m[2], m[3], new})
  end
end
return result
`;

/**
 * Payload `{campaign, user, group, bucket, at, keep, cap}`. The first decision per campaign and user
 * wins: returns `{'recorded'}` or `{'duplicate', '<group>|<bucket>|<atMs>'}`.
 */
export const RECORD_OFFER_DECISION_LUA = `${PRELUDE}
if erased_history(e.at) then return {'erased'} end
local decisions = offer_key(e.campaign, 'd')
local value = e.group .. '|' .. int(e.bucket) .. '|' .. int(e.at)
if redis.call('HSETNX', decisions, e.user, value) == 0 then
  return {'duplicate', redis.call('HGET', decisions, e.user)}
end
redis.call('HINCRBY', offer_key(e.campaign, 'c'), e.group .. '|' .. int(e.bucket) .. '|n', 1)
remember_exposure(e.user, e.at, cjson.encode({'o', e.campaign, e.group, int(e.bucket), int(e.at)}))
return {'recorded'}
`;

/**
 * Compare-and-set of one definition: ARGV = P, id, expected JSON ('' = must not exist), next JSON,
 * arm names JSON when the next status is running ('' otherwise). Keeps the running index in step.
 * Returns 1 when written, 0 when the stored definition was not the expected one.
 */
export const WRITE_DEFINITION_LUA = `
local P, id, expected, proposed, arms = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local current = redis.call('HGET', P .. 'defs', id)
if expected == '' then
  if current then return 0 end
elseif current ~= expected then
  return 0
end
redis.call('HSET', P .. 'defs', id, proposed)
if arms == '' then
  redis.call('HDEL', P .. 'running', id)
else
  redis.call('HSET', P .. 'running', id, arms)
end
return 1
`;
