import type { ItemUpsertedV1, StorefrontEvent } from '@recsys/contracts';
import { decodeItemFeatures, decodeUserFeatures, updatePlanOf } from '@recsys/features';
import { integrationEnvironment, testNamespace } from '@recsys/testing';
import {
  FeatureStore,
  RedisConnection,
  defaultFeatureStoreSettings,
  featureKeys,
  utcDay,
} from '../src';

const T0 = Date.parse('2026-11-28T10:00:00.000Z');
const HOUR = 3_600_000;

function event(
  overrides: Partial<Record<string, unknown>> & { eventType: string; eventId: string },
): StorefrontEvent {
  return {
    schemaVersion: 1,
    userId: 'u_1',
    sessionId: 's-1',
    timestamp: new Date(T0).toISOString(),
    ...overrides,
  } as StorefrontEvent;
}

const view = (eventId: string, itemId: string, atMs: number) =>
  event({ eventType: 'product_view', eventId, itemId, timestamp: new Date(atMs).toISOString() });

const catalogueItem = (
  itemId: string,
  updatedAt: string,
  overrides: Partial<ItemUpsertedV1> = {},
): ItemUpsertedV1 => ({
  itemId,
  schemaVersion: 1,
  title: `Item ${itemId}`,
  categoryPath: ['Shoes', 'Running'],
  brand: 'Acme',
  price: 80,
  currency: 'EUR',
  availability: 'in_stock',
  updatedAt,
  ...overrides,
});

describe('FeatureStore on a real Redis', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('feature-store');
  const redis = new RedisConnection({
    url: environment.redisUrl,
    keyPrefix: namespace.redisKeyPrefix,
    connectTimeoutMs: 2_000,
  });
  const store = new FeatureStore(redis, { ...defaultFeatureStoreSettings, negativeSamples: 2 });

  async function dump(): Promise<Record<string, unknown>> {
    const entryOf = async (key: string): Promise<[string, unknown]> => {
      const type = await redis.client.type(key);
      if (type === 'hash') return [key, await redis.client.hgetall(key)];
      if (type === 'list') return [key, await redis.client.lrange(key, 0, -1)];
      if (type === 'zset') return [key, await redis.client.zrange(key, 0, -1, 'WITHSCORES')];
      return [key, await redis.client.get(key)];
    };
    const keys = (await redis.scanKeys('*')).sort();
    return Object.fromEntries(await Promise.all(keys.map(entryOf)));
  }

  beforeAll(async () => {
    await redis.connect();
    await store.upsertItem(catalogueItem('sku-1', '2026-11-01T00:00:00Z'));
    await store.upsertItem(
      catalogueItem('sku-2', '2026-11-01T00:00:00Z', {
        categoryPath: ['Shoes', 'Trail'],
        brand: 'Zed',
        price: 120,
      }),
    );
  });

  afterAll(async () => {
    await redis.disconnect();
  });

  const batch = [
    { ...view('e1', 'sku-1', T0), price: 80 } as StorefrontEvent,
    { ...view('e2', 'sku-2', T0 + HOUR), price: 120 } as StorefrontEvent,
    event({
      eventType: 'add_to_cart',
      eventId: 'e3',
      itemId: 'sku-2',
      quantity: 1,
      price: 120,
      currency: 'EUR',
      timestamp: new Date(T0 + 2 * HOUR).toISOString(),
    }),
  ];

  it('applies events to user, item, co-visitation and popularity features', async () => {
    const outcomes = await store.apply({ plans: batch.map((e) => ({ plan: updatePlanOf(e) })) });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['applied', 'applied', 'applied']);

    const now = T0 + 2 * HOUR;
    const user = decodeUserFeatures(await store.readUser('u_1'), now);
    expect(user.counts.view).toBe(2);
    expect(user.counts.cart).toBe(1);
    // views at T0 and T0+1h read at T0+2h on the 1h window: e^-2 + e^-1
    expect(user.windowed.view['1h']).toBeCloseTo(Math.exp(-2) + Math.exp(-1), 10);
    expect(user.windowed.view['30d']).toBeCloseTo(Math.exp(-2 / 720) + Math.exp(-1 / 720), 10);
    expect(user.sequence).toEqual(['sku-2', 'sku-2', 'sku-1']);
    expect(user.session).toEqual({ id: 's-1', events: 3, durationMs: 2 * HOUR });
    expect(user.meanPrice).toBeCloseTo((80 + 120 + 120) / 3, 10);
    // affinity comes from the catalogue: sku-1 Shoes>Running (view 1), sku-2 Shoes>Trail (view 1 + cart 3)
    expect(user.categoryAffinity).toEqual([
      { name: 'Shoes > Trail', score: 0.8 },
      { name: 'Shoes > Running', score: 0.2 },
    ]);
    expect(user.brandAffinity.map((entry) => entry.name)).toEqual(['Zed', 'Acme']);

    const items = await store.readItems(['sku-1', 'sku-2']);
    const sku2 = decodeItemFeatures('sku-2', items.get('sku-2')!, now);
    expect(sku2.counts).toMatchObject({ view: 1, cart: 1 });
    expect(sku2.viewsLastHour).toBeCloseTo(Math.exp(-1), 10);
    expect(sku2.price).toBe(120);
    expect(sku2.categoryPath).toEqual(['Shoes', 'Trail']);

    // view sku-2 after sku-1 (weight 1), then cart sku-2 with sku-1 still in the session (weight 3)
    expect(await store.coVisitation('sku-1', 10)).toEqual([{ itemId: 'sku-2', weight: 4 }]);
    expect(await store.coVisitation('sku-2', 10)).toEqual([{ itemId: 'sku-1', weight: 4 }]);
    expect(await store.popular(10)).toEqual([
      { itemId: 'sku-2', weight: 4 },
      { itemId: 'sku-1', weight: 1 },
    ]);
  });

  it('changes nothing when the same events are applied again', async () => {
    const before = await dump();
    const outcomes = await store.apply({ plans: batch.map((e) => ({ plan: updatePlanOf(e) })) });
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(await dump()).toEqual(before);
  });

  it('skips messages at or below the stored partition offset, even with new event ids', async () => {
    const offsetKey = 'preprocessor:events.raw.v1:0';
    await store.apply({
      plans: [{ plan: updatePlanOf(view('e10', 'sku-1', T0 + 3 * HOUR)), offset: '10' }],
      offsetKey,
      lastOffset: '10',
    });
    expect(await store.storedOffset(offsetKey)).toBe('10');
    const before = await dump();
    const outcomes = await store.apply({
      plans: [
        {
          plan: updatePlanOf(view('e10-redelivered-with-new-id', 'sku-1', T0 + 3 * HOUR)),
          offset: '10',
        },
      ],
      offsetKey,
      lastOffset: '10',
    });
    expect(outcomes).toEqual([{ status: 'already_applied' }]);
    expect(await dump()).toEqual(before);
  });

  it('counts a late event with its own age without moving the reference time', async () => {
    const lateUser = 'u_late';
    const at = (ms: number, id: string) => ({
      plan: updatePlanOf({ ...view(id, 'sku-1', ms), userId: lateUser }),
    });
    await store.apply({ plans: [at(T0 + 2 * HOUR, 'late-1'), at(T0, 'late-2')] });
    const user = decodeUserFeatures(await store.readUser(lateUser), T0 + 2 * HOUR);
    expect(user.windowed.view['1h']).toBeCloseTo(1 + Math.exp(-2), 10);
    expect(user.lastSeenMs).toBe(T0 + 2 * HOUR);
    expect(user.firstSeenMs).toBe(T0);
  });

  it('returns the features as they were before a labelled event, with sampled negatives', async () => {
    const outcomes = await store.apply({
      plans: [{ plan: updatePlanOf(view('e20', 'sku-2', T0 + 4 * HOUR)) }],
    });
    const outcome = outcomes[0]!;
    expect(outcome.status).toBe('applied');
    const snapshot = outcome.status === 'applied' ? outcome.snapshot! : undefined;
    expect(snapshot!.user.profile['n:view']).toBe('3'); // e1, e2, e10 — not e20 itself
    expect(snapshot!.items[0]).toMatchObject({ itemId: 'sku-2', stored: { 'n:view': '1' } });
    expect(snapshot!.negatives.map((negative) => negative.itemId)).toEqual(['sku-1']);
  });

  it('makes the other items of a clicked impression its negatives: shown but not clicked', async () => {
    const at = new Date(T0 + 5 * HOUR).toISOString();
    const impression = event({
      eventType: 'recommendation_impression',
      eventId: 'imp-1',
      userId: 'u_imp',
      timestamp: at,
      requestId: 'req-1',
      modelVersion: 'm1',
      arm: 'control',
      items: ['sku-1', 'sku-2', 'sku-9'].map((itemId, position) => ({ itemId, position })),
    });
    const click = event({
      eventType: 'recommendation_click',
      eventId: 'clk-1',
      userId: 'u_imp',
      timestamp: at,
      requestId: 'req-1',
      itemId: 'sku-2',
      position: 1,
    });
    const [, clicked] = await store.apply({
      plans: [impression, click].map((e) => ({ plan: updatePlanOf(e) })),
    });
    const snapshot = clicked!.status === 'applied' ? clicked!.snapshot : undefined;
    expect(snapshot!.items.map((item) => item.itemId)).toEqual(['sku-2']);
    expect(snapshot!.negatives.map((item) => item.itemId)).toEqual(['sku-1', 'sku-9']);
  });

  it('keeps the newest catalogue version of an item, whatever the arrival order', async () => {
    expect(
      await store.upsertItem(catalogueItem('sku-9', '2026-11-20T00:00:00Z', { price: 50 })),
    ).toBe(true);
    expect(
      await store.upsertItem(catalogueItem('sku-9', '2026-11-10T00:00:00Z', { price: 70 })),
    ).toBe(false);
    const item = decodeItemFeatures('sku-9', (await store.readItems(['sku-9'])).get('sku-9')!, T0);
    expect(item.price).toBe(50);
    expect(item.brand).toBe('Acme');
  });

  it('expires what should expire: user keys, session items, markers and daily popularity, never items', async () => {
    const ttl = (key: string) => redis.client.ttl(key);
    const userTtl = await ttl(featureKeys.userProfile('u_1'));
    expect(userTtl).toBeGreaterThan(defaultFeatureStoreSettings.userTtlSeconds - 60);
    expect(await ttl(featureKeys.userSequence('u_1'))).toBeGreaterThan(0);
    expect(await ttl(featureKeys.userSessionItems('u_1'))).toBeLessThanOrEqual(86_400);
    expect(await ttl(featureKeys.seen('e1'))).toBeGreaterThan(
      defaultFeatureStoreSettings.dedupeTtlSeconds - 60,
    );
    expect(await ttl(featureKeys.popularityOfDay(utcDay(T0)))).toBeGreaterThan(7 * 86_400);
    expect(await ttl(featureKeys.item('sku-1'))).toBe(-1);
    expect(await ttl(featureKeys.coVisitation('sku-1'))).toBe(-1);
  });

  it('deletes every feature key for a rebuild', async () => {
    expect(await store.deleteAll()).toBeGreaterThan(10);
    expect(await redis.scanKeys('*')).toEqual([]);
  });
});
