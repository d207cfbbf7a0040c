/**
 * Writes a catalogue item last-write-wins by its `updatedAt` (ms, ARGV[1]): 0 when the stored one is as
 * new or newer, 2 when the item had no catalogue entry before (a new arrival), else 1. One key.
 */
export const UPSERT_ITEM_LUA = `
local key = KEYS[1]
local current = redis.call('HGET', key, 'upd')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', key, 'upd', ARGV[1], 'title', ARGV[2], 'cat', ARGV[3], 'price', ARGV[4], 'cur', ARGV[5], 'avail', ARGV[6])
if ARGV[7] ~= '' then redis.call('HSET', key, 'brand', ARGV[7]) else redis.call('HDEL', key, 'brand') end
if current then return 1 end
return 2
`;
