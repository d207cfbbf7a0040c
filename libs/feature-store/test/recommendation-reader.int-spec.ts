import type { ItemUpsertedV1, StorefrontEvent } from '@recsys/contracts';
import { updatePlanOf } from '@recsys/features';
import { integrationEnvironment, testNamespace } from '@recsys/testing';
import {
  FeatureStore,
  RedisRecommendationReader,
  RedisConnection,
  defaultFeatureStoreSettings,
} from '../src';

const T0 = Date.parse('2026-11-28T10:00:00.000Z');
const MINUTE = 60_000;

const base = (eventId: string, minutes: number, extra: Record<string, unknown>) =>
  ({
    schemaVersion: 1,
    eventId,
    userId: 'shopper',
    sessionId: 's-1',
    timestamp: new Date(T0 + minutes * MINUTE).toISOString(),
    ...extra,
  }) as StorefrontEvent;

const item = (itemId: string, updatedAt: string, categoryPath = ['Shoes', 'Trail']) =>
  ({
    itemId,
    schemaVersion: 1,
    title: `Item ${itemId}`,
    categoryPath,
    price: 50,
    currency: 'EUR',
    availability: 'in_stock',
    updatedAt,
  }) satisfies ItemUpsertedV1;

describe('RedisRecommendationReader over what the preprocessor writes', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('recommendation-reader');
  const redis = new RedisConnection({
    url: environment.redisUrl,
    keyPrefix: namespace.redisKeyPrefix,
    connectTimeoutMs: 2_000,
  });
  const store = new FeatureStore(redis, defaultFeatureStoreSettings);
  const reader = new RedisRecommendationReader(redis);

  beforeAll(async () => {
    await redis.connect();
    await store.upsertItem(item('a', '2026-11-01T00:00:00Z'));
    await store.upsertItem(item('b', '2026-11-02T00:00:00Z'));
    await store.upsertItem(item('c', '2026-11-03T00:00:00Z', ['Bags']));
    // A newer version of an existing item is not a new arrival.
    await store.upsertItem(item('a', '2026-11-20T00:00:00Z'));
    const events = [
      base('v1', 0, { eventType: 'product_view', itemId: 'a' }),
      base('v2', 1, { eventType: 'product_view', itemId: 'b' }),
      base('imp', 2, {
        eventType: 'recommendation_impression',
        requestId: 'r1',
        modelVersion: 'm1',
        arm: 'control',
        items: [
          { itemId: 'b', position: 0 },
          { itemId: 'c', position: 1 },
        ],
      }),
      base('clk', 3, {
        eventType: 'recommendation_click',
        requestId: 'r1',
        itemId: 'b',
        position: 0,
      }),
      base('buy', 4, {
        eventType: 'purchase',
        orderId: 'o1',
        items: [{ itemId: 'a', quantity: 1, price: 50 }],
        revenue: 50,
        currency: 'EUR',
        consent: { personalization: false },
      }),
    ];
    await store.apply({ plans: events.map((event) => ({ plan: updatePlanOf(event) })) });
  });

  afterAll(() => redis.disconnect());

  it('reads shown and clicked counts, purchases and the consent flag', async () => {
    const shown = await reader.readShownCounts('shopper');
    expect(shown.get('b')).toEqual({ shown: 1, clicked: 1 });
    expect(shown.get('c')).toEqual({ shown: 1, clicked: 0 });
    expect([...(await reader.readPurchased('shopper'))]).toEqual(['a']);
    const user = await reader.readUser('shopper');
    expect(user.profile['optout']).toBe('1');
    expect(user.sequence[0]).toBe('a');
  });

  it('reads popularity of all time and of the day, and new arrivals newest first, in one call', async () => {
    const lists = await reader.readLists({
      popular: 10,
      today: { limit: 10, dayMs: T0 },
      newest: 10,
    });
    expect(lists.popular[0]).toEqual({ itemId: 'a', weight: 6 });
    expect(lists.today.map((entry) => entry.itemId)).toEqual(lists.popular.map((e) => e.itemId));
    expect(lists.newest.map((entry) => entry.itemId)).toEqual(['c', 'b', 'a']);
    expect(lists.newest[2]?.weight).toBe(Date.parse('2026-11-01T00:00:00Z'));
  });

  it('reads neighbours and items of many ids at once, empty for unknown ones', async () => {
    const neighbours = await reader.readNeighbours(['a', 'unknown'], 5);
    expect(neighbours.get('a')?.map((entry) => entry.itemId)).toContain('b');
    expect(neighbours.get('unknown')).toEqual([]);
    const items = await reader.readItems(['c', 'unknown']);
    expect(items.get('c')?.['cat']).toBe('Bags');
    expect(items.get('unknown')).toEqual({});
  });

  it('keeps per-category popularity for category candidates', async () => {
    const lists = await reader.readCategoryPopular(['Shoes > Trail', 'Nothing'], 10);
    expect(lists.get('Shoes > Trail')?.map((entry) => entry.itemId)).toEqual(['a', 'b']);
    expect(lists.get('Nothing')).toEqual([]);
  });
});
