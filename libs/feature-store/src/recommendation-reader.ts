/**
 * The scorer's reads (libs/recommendation's RecommendationReader) over the feature store's Redis layout
 * (../FORMAT.md). Each method sends its commands together (auto-pipelined; on Redis Cluster, one round
 * trip per server); shared lists are merged over the shards their source partitions wrote.
 */
import type { StoredHash, StoredUser } from '@recsys/features';
import type {
  CandidateLists,
  ListsQuery,
  RecommendationReader,
  ScoredItem,
  ShownCount,
} from '@recsys/recommendation';
import { featureKeys, utcDay } from './keys';
import { readItemHashes, readMergedTop, readStoredUser, scoredPairs, ShardList } from './reads';
import type { RedisConnection } from './redis-connection';

const CLICKED_PREFIX = 'c:';

/** `sh` hash fields: `<itemId>` → shown, `c:<itemId>` → clicked. */
export function shownCountsOf(hash: StoredHash): Map<string, ShownCount> {
  const counts = new Map<string, ShownCount>();
  const entry = (itemId: string) => counts.get(itemId) ?? { shown: 0, clicked: 0 };
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith(CLICKED_PREFIX)) {
      const itemId = field.slice(CLICKED_PREFIX.length);
      counts.set(itemId, { ...entry(itemId), clicked: Number(value) });
    } else {
      counts.set(field, { ...entry(field), shown: Number(value) });
    }
  }
  return counts;
}

export class RedisRecommendationReader implements RecommendationReader {
  private readonly shards: ShardList;

  constructor(private readonly redis: RedisConnection) {
    this.shards = new ShardList(redis);
  }

  async readUser(userKey: string): Promise<StoredUser> {
    return readStoredUser(this.redis, userKey);
  }

  /**
   * The consent the user's latest event stated: false after an opt-out, true after an opt-in, undefined
   * when none stated one. Read before anything else of the user, so an opted-out user's features are
   * never read for serving.
   */
  async readConsent(userKey: string): Promise<boolean | undefined> {
    const flag = (await readStoredUser(this.redis, userKey)).profile['optout'];
    return flag === undefined ? undefined : flag !== '1';
  }

  async readShownCounts(userKey: string): Promise<ReadonlyMap<string, ShownCount>> {
    const hash = await this.redis.run('read shown items', (client) =>
      client.hgetall(featureKeys.userShown(userKey)),
    );
    return shownCountsOf(hash);
  }

  async readPurchased(userKey: string): Promise<ReadonlySet<string>> {
    const items = await this.redis.run('read purchased items', (client) =>
      client.zrange(featureKeys.userPurchased(userKey), 0, -1),
    );
    return new Set(items);
  }

  async readLists(query: ListsQuery): Promise<CandidateLists> {
    const shards = await this.shards.current();
    const day = utcDay(query.today.dayMs);
    const [popular, today, newest] = await Promise.all([
      readMergedTop(this.redis, {
        keyOfShard: featureKeys.popularity,
        limit: query.popular,
        shards,
      }),
      readMergedTop(this.redis, {
        keyOfShard: (shardId) => featureKeys.popularityOfDay(shardId, day),
        limit: query.today.limit,
        shards,
      }),
      this.redis.run('read new items', (client) =>
        client.zrevrange(featureKeys.newItems(), 0, query.newest - 1, 'WITHSCORES'),
      ),
    ]);
    return { popular, today, newest: scoredPairs(newest) };
  }

  /** Each item's strongest neighbours (one command per item, sent together: slots may differ). */
  async readNeighbours(
    itemIds: readonly string[],
    perItem: number,
  ): Promise<ReadonlyMap<string, readonly ScoredItem[]>> {
    if (itemIds.length === 0) return new Map();
    const replies = await this.redis.run('read co-visitation', (client) =>
      Promise.all(
        itemIds.map((itemId) =>
          client.zrevrange(featureKeys.coVisitation(itemId), 0, perItem - 1, 'WITHSCORES'),
        ),
      ),
    );
    return new Map(itemIds.map((itemId, index) => [itemId, scoredPairs(replies[index])]));
  }

  /** Strongest items of each full category path (`A > B`), merged over the shards' `pop:c:<path>`. */
  async readCategoryPopular(
    categories: readonly string[],
    perCategory: number,
  ): Promise<ReadonlyMap<string, readonly ScoredItem[]>> {
    if (categories.length === 0) return new Map();
    const shards = await this.shards.current();
    const lists = await Promise.all(
      categories.map((category) =>
        readMergedTop(this.redis, {
          keyOfShard: (shardId) => featureKeys.popularityOfCategory(shardId, category),
          limit: perCategory,
          shards,
        }),
      ),
    );
    return new Map(categories.map((category, index) => [category, lists[index]!]));
  }

  async readItems(itemIds: readonly string[]): Promise<ReadonlyMap<string, StoredHash>> {
    return readItemHashes(this.redis, itemIds);
  }
}
