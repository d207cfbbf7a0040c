/**
 * Reads shared by the feature store (preprocessor, tests, tools) and the scorer's reader: one pipeline
 * each, errors of a pipeline reply thrown rather than read as data.
 */
import type { StoredHash, StoredUser } from '@recsys/features';
import { featureKeys } from './keys';
import type { RedisConnection } from './redis-connection';

type PipelineResults = Array<[Error | null, unknown]> | null;

/** Values of a pipeline's replies, throwing the first error (a reply error is a bug, not a miss). */
export function pipelineValues(results: PipelineResults): unknown[] {
  return (results ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** `[member, score, member, score…]` as read with WITHSCORES. */
export function scoredPairs(flat: unknown): Array<{ itemId: string; weight: number }> {
  const values = flat as string[];
  const result: Array<{ itemId: string; weight: number }> = [];
  for (let index = 0; index + 1 < values.length; index += 2)
    result.push({ itemId: values[index]!, weight: Number(values[index + 1]) });
  return result;
}

/** The user's profile, affinities and recent items (most recent first). */
export async function readStoredUser(redis: RedisConnection, userKey: string): Promise<StoredUser> {
  const [profile, categories, brands, sequence] = pipelineValues(
    await redis.run('read user', (client) =>
      client
        .pipeline()
        .hgetall(featureKeys.userProfile(userKey))
        .hgetall(featureKeys.userCategories(userKey))
        .hgetall(featureKeys.userBrands(userKey))
        .lrange(featureKeys.userSequence(userKey), 0, -1)
        .exec(),
    ),
  );
  return {
    profile: profile as StoredHash,
    categoryAffinity: categories as StoredHash,
    brandAffinity: brands as StoredHash,
    sequence: sequence as string[],
  };
}

/** Item hashes for many items in one round trip; an unknown item maps to an empty hash. */
export async function readItemHashes(
  redis: RedisConnection,
  itemIds: readonly string[],
): Promise<Map<string, StoredHash>> {
  if (itemIds.length === 0) return new Map();
  const replies = pipelineValues(
    await redis.run('read items', (client) => {
      const pipeline = client.pipeline();
      for (const itemId of itemIds) pipeline.hgetall(featureKeys.item(itemId));
      return pipeline.exec();
    }),
  );
  return new Map(itemIds.map((itemId, index) => [itemId, (replies[index] ?? {}) as StoredHash]));
}
