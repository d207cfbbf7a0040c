/**
 * Reads shared by the feature store (preprocessor, tests, tools) and the scorer's reader: one pipeline
 * each, errors of a pipeline reply thrown rather than read as data.
 */
import {
  guardFields,
  unpackUser,
  type PackedUser,
  type StoredHash,
  type StoredUserState,
} from '@recsys/features';
import { featureKeys } from './keys';
import { pipelineValues } from './pipeline-values';
import { privacyKeys } from './privacy/privacy-keys';
import type { RedisConnection } from './redis-connection';

/** `[member, score, member, score…]` as read with WITHSCORES. */
export function scoredPairs(flat: unknown): Array<{ itemId: string; weight: number }> {
  const values = flat as string[];
  const result: Array<{ itemId: string; weight: number }> = [];
  for (let index = 0; index + 1 < values.length; index += 2)
    result.push({ itemId: values[index]!, weight: Number(values[index + 1]) });
  return result;
}

/**
 * The user's profile, affinities and recent items (most recent first): the packed state, else what the
 * keys it replaced hold (a user not written since; one more round trip only when they exist).
 */
export async function readStoredUser(
  redis: RedisConnection,
  userKey: string,
  nowMs = Date.now(),
): Promise<PackedUser> {
  // Reply errors are thrown inside `run`, which turns a lost connection into REDIS_UNAVAILABLE.
  const [packed, replaced] = await redis.run('read user', async (client) =>
    pipelineValues(
      await client
        .pipeline()
        .get(featureKeys.userState(userKey))
        .exists(featureKeys.userProfile(userKey))
        .exec(),
    ),
  );
  return userFrom(redis, userKey, {
    packed: packed as string | null,
    replaced: replaced === 1,
    nowMs,
  });
}

/** The packed state when there is one, else the keys it replaced when they exist, else nobody. */
async function userFrom(
  redis: RedisConnection,
  userKey: string,
  stored: { packed: string | null; replaced: boolean; nowMs: number },
): Promise<PackedUser> {
  if (stored.packed !== null) return unpackUser(stored.packed, stored.nowMs);
  return stored.replaced ? readReplacedUser(redis, userKey) : emptyUser();
}

function emptyUser(): PackedUser {
  return { profile: {}, categoryAffinity: {}, brandAffinity: {}, sequence: [], sessionItems: [] };
}

/** The keys a packed state replaced (FORMAT.md): five keys of one slot, one pipeline. */
async function readReplacedUser(redis: RedisConnection, userKey: string): Promise<PackedUser> {
  const [profile, categories, brands, sequence, sessionItems] = await redis.run(
    'read user (replaced keys)',
    async (client) =>
      pipelineValues(
        await client
          .pipeline()
          .hgetall(featureKeys.userProfile(userKey))
          .hgetall(featureKeys.userCategories(userKey))
          .hgetall(featureKeys.userBrands(userKey))
          .lrange(featureKeys.userSequence(userKey), 0, -1)
          .lrange(featureKeys.userSessionItems(userKey), 0, -1)
          .exec(),
      ),
  );
  return {
    profile: profile as StoredHash,
    categoryAffinity: categories as StoredHash,
    brandAffinity: brands as StoredHash,
    sequence: sequence as string[],
    sessionItems: sessionItems as string[],
  };
}

/** Item hashes for many items, sent together (slots may differ); an unknown item maps to an empty hash. */
export async function readItemHashes(
  redis: RedisConnection,
  itemIds: readonly string[],
): Promise<Map<string, StoredHash>> {
  if (itemIds.length === 0) return new Map();
  const replies = await redis.run('read items', (client) =>
    Promise.all(itemIds.map((itemId) => client.hgetall(featureKeys.item(itemId)))),
  );
  return new Map(itemIds.map((itemId, index) => [itemId, replies[index] ?? {}]));
}

/**
 * What the store holds of each user (a cache miss of the preprocessor's user states): the user's keys,
 * guard and tombstone. Issued at once (auto-pipelined; each user's keys share a slot).
 */
export async function readUserStates(
  redis: RedisConnection,
  users: ReadonlyArray<{ userKey: string; subject: string }>,
): Promise<Map<string, StoredUserState>> {
  // Per user two groups: its own keys (one slot) and its tombstone (the privacy family's slot).
  const replies = await redis.readGroups(
    'read user states',
    users.flatMap(({ userKey, subject }) => [
      [
        ['get', featureKeys.userState(userKey)],
        ['exists', featureKeys.userProfile(userKey)],
        ['lrange', featureKeys.userImpressions(userKey), 0, -1],
        ['hgetall', featureKeys.userGuard(userKey)],
      ] as const,
      [['hmget', privacyKeys.tombstone(subject), 'at', 'optout']] as const,
    ]),
  );
  const states = await Promise.all(
    users.map((user, index) =>
      userStateFrom(redis, user.userKey, {
        own: replies[2 * index]!,
        tombstone: replies[2 * index + 1]![0] as Array<string | null>,
      }),
    ),
  );
  return new Map(users.map((user, index) => [user.userKey, states[index]!]));
}

async function userStateFrom(
  redis: RedisConnection,
  userKey: string,
  replies: { own: unknown[]; tombstone: Array<string | null> },
): Promise<StoredUserState> {
  const [packed, replaced, impressions, guard] = replies.own as [
    string | null,
    number,
    string[],
    StoredHash,
  ];
  const user = await userFrom(redis, userKey, {
    packed,
    replaced: replaced === 1,
    nowMs: Date.now(),
  });
  const [erasedAt, optout] = replies.tombstone;
  return {
    ...user,
    impressions,
    guard,
    tombstone:
      erasedAt === null || erasedAt === undefined
        ? undefined
        : { erasedAtMs: Number(erasedAt), optedOut: optout === '1' },
    legacyKeys: packed === null && replaced === 1,
  };
}

/**
 * An offset of `source` its shard's guard holds (-1: none): `applied`, what the shard's own writes
 * cover; `resumeAfter`, what every group of the flushes covers (where the source's consumer resumes).
 */
export async function readShardGuardOffset(
  redis: RedisConnection,
  source: string,
  which: 'applied' | 'resumeAfter',
): Promise<bigint> {
  const field = which === 'applied' ? guardFields.offset(source) : guardFields.resumeAfter(source);
  const offset = await redis.run(`read ${which} offset`, (client) =>
    client.hget(featureKeys.shardGuard(source), field),
  );
  return offset === null ? -1n : BigInt(offset);
}

/** Every shard of the shared aggregates written so far. */
export async function readShards(redis: RedisConnection): Promise<string[]> {
  return (await redis.run('read shards', (client) => client.smembers(featureKeys.shards()))).sort();
}

/** How long a reader reuses the list of shards (a new partition's shard appears within this). */
const SHARD_LIST_TTL_MS = 5_000;

/** The shard list as a frequent reader sees it: re-read at most every few seconds. */
export class ShardList {
  private cached: { shards: string[]; atMs: number } | undefined;

  constructor(private readonly redis: RedisConnection) {}

  async current(): Promise<string[]> {
    const now = Date.now();
    if (this.cached === undefined || now - this.cached.atMs > SHARD_LIST_TTL_MS)
      this.cached = { shards: await readShards(this.redis), atMs: now };
    return this.cached.shards;
  }
}

/**
 * The strongest members of a shared sorted set, merged over every shard: each shard's top `limit`
 * summed per member (exact for members in every shard's top; a member below the top of some shards
 * can only be under-counted there).
 */
export async function readMergedTop(
  redis: RedisConnection,
  query: { keyOfShard: (shardId: string) => string; limit: number; shards?: readonly string[] },
): Promise<Array<{ itemId: string; weight: number }>> {
  const { keyOfShard, limit, shards } = query;
  if (limit <= 0) return [];
  const shardIds = shards ?? (await readShards(redis));
  const tops = await redis.run('read merged top', (client) =>
    Promise.all(
      shardIds.map((shardId) => client.zrevrange(keyOfShard(shardId), 0, limit - 1, 'WITHSCORES')),
    ),
  );
  return mergeScored(tops.map(scoredPairs), limit);
}

/** Lists summed per item, strongest first (ties by item id, however many shards there are). */
export function mergeScored(
  lists: ReadonlyArray<ReadonlyArray<{ itemId: string; weight: number }>>,
  limit: number,
): Array<{ itemId: string; weight: number }> {
  const sums = new Map<string, number>();
  for (const list of lists)
    for (const { itemId, weight } of list) sums.set(itemId, (sums.get(itemId) ?? 0) + weight);
  return [...sums]
    .map(([itemId, weight]) => ({ itemId, weight }))
    .sort((a, b) => b.weight - a.weight || (a.itemId < b.itemId ? -1 : 1))
    .slice(0, limit);
}
