/**
 * The scorer's reads (libs/recommendation's RecommendationReader) over the feature store's Redis layout
 * (../FORMAT.md). Each method is one pipeline, so a whole recommendation needs three round trips.
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
import { pipelineValues, readItemHashes, readStoredUser, scoredPairs } from './reads';
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
  constructor(private readonly redis: RedisConnection) {}

  async readUser(userKey: string): Promise<StoredUser> {
    return readStoredUser(this.redis, userKey);
  }

  /**
   * The consent the user's latest event stated: false after an opt-out, true after an opt-in, undefined
   * when none stated one. Read before anything else of the user, so an opted-out user's features are
   * never read for serving.
   */
  async readConsent(userKey: string): Promise<boolean | undefined> {
    const flag = await this.redis.run('read consent', (client) =>
      client.hget(featureKeys.userProfile(userKey), 'optout'),
    );
    return flag === null ? undefined : flag !== '1';
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
    const [popular, today, newest] = pipelineValues(
      await this.redis.run('read candidate lists', (client) =>
        client
          .pipeline()
          .zrevrange(featureKeys.popularity(), 0, query.popular - 1, 'WITHSCORES')
          .zrevrange(
            featureKeys.popularityOfDay(utcDay(query.today.dayMs)),
            0,
            query.today.limit - 1,
            'WITHSCORES',
          )
          .zrevrange(featureKeys.newItems(), 0, query.newest - 1, 'WITHSCORES')
          .exec(),
      ),
    );
    return {
      popular: scoredPairs(popular),
      today: scoredPairs(today),
      newest: scoredPairs(newest),
    };
  }

  async readNeighbours(
    itemIds: readonly string[],
    perItem: number,
  ): Promise<ReadonlyMap<string, readonly ScoredItem[]>> {
    if (itemIds.length === 0) return new Map();
    const replies = pipelineValues(
      await this.redis.run('read co-visitation', (client) => {
        const pipeline = client.pipeline();
        for (const itemId of itemIds) {
          pipeline.zrevrange(featureKeys.coVisitation(itemId), 0, perItem - 1, 'WITHSCORES');
        }
        return pipeline.exec();
      }),
    );
    return new Map(itemIds.map((itemId, index) => [itemId, scoredPairs(replies[index])]));
  }

  /** Strongest items of each full category path (`A > B`), from `pop:c:<path>`. */
  async readCategoryPopular(
    categories: readonly string[],
    perCategory: number,
  ): Promise<ReadonlyMap<string, readonly ScoredItem[]>> {
    if (categories.length === 0) return new Map();
    const replies = pipelineValues(
      await this.redis.run('read category popularity', (client) => {
        const pipeline = client.pipeline();
        for (const category of categories) {
          pipeline.zrevrange(
            featureKeys.popularityOfCategory(category),
            0,
            perCategory - 1,
            'WITHSCORES',
          );
        }
        return pipeline.exec();
      }),
    );
    return new Map(categories.map((category, index) => [category, scoredPairs(replies[index])]));
  }

  async readItems(itemIds: readonly string[]): Promise<ReadonlyMap<string, StoredHash>> {
    return readItemHashes(this.redis, itemIds);
  }
}
