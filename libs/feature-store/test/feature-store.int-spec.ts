import type { ItemUpsertedV1, StorefrontEvent } from '@recsys/contracts';
import {
  decodeItemFeatures,
  decodeUserFeatures,
  updatePlanOf,
  type EventToApply,
} from '@recsys/features';
import { AppError } from '@recsys/contracts';
import { integrationEnvironment, redisTargets, testNamespace, waitFor } from '@recsys/testing';
import {
  DIRECT_SOURCE,
  ErasureStore,
  FeatureStore,
  RedisConnection,
  type FeatureWriter,
  type WriteExecutor,
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

describe.each(redisTargets(integrationEnvironment()))('FeatureStore on a real $name', (target) => {
  const namespace = testNamespace('feature-store');
  const redis = new RedisConnection(target.config(namespace.redisKeyPrefix));
  const store = new FeatureStore(redis, { ...defaultFeatureStoreSettings, negativeSamples: 2 });
  const shared = store;
  const SOURCE = 'events.raw.v1:0';

  /** Every key but the guards (what is applied moves with every batch; the features must not). */
  async function features(): Promise<Record<string, unknown>> {
    const all = await dump();
    return Object.fromEntries(Object.entries(all).filter(([key]) => !key.endsWith(':g')));
  }

  async function dump(): Promise<Record<string, unknown>> {
    const entryOf = async (key: string): Promise<[string, unknown]> => {
      const type = await redis.client.type(key);
      if (type === 'hash') return [key, await redis.client.hgetall(key)];
      if (type === 'list') return [key, await redis.client.lrange(key, 0, -1)];
      if (type === 'zset') return [key, await redis.client.zrange(key, 0, -1, 'WITHSCORES')];
      if (type === 'set') return [key, (await redis.client.smembers(key)).sort()];
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

  it('drops a client re-post of recent event ids: no feature changes', async () => {
    const before = await features();
    const outcomes = await store.apply({ plans: batch.map((e) => ({ plan: updatePlanOf(e) })) });
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(await features()).toEqual(before);
  });

  it('skips events at or below the offsets the store holds, even with new ids, after a restart too', async () => {
    const sourceEvent = (eventId: string, offset: bigint) => ({
      plan: updatePlanOf(view(eventId, 'sku-1', T0 + 3 * HOUR)),
      offset,
      receivedAtMs: T0 + 3 * HOUR,
    });
    const writer = store.writer();
    await writer.apply({ source: SOURCE, events: [sourceEvent('e10', 10n)], lastOffset: 10n });
    expect(await store.storedOffset('events.raw.v1', 0)).toBe('10');
    const before = await dump();
    for (const replaying of [writer, store.writer()]) {
      const outcomes = await replaying.apply({
        source: SOURCE,
        events: [sourceEvent('e10-redelivered-with-new-id', 10n)],
        lastOffset: 10n,
      });
      expect(outcomes).toEqual([{ status: 'already_applied' }]);
      expect(await dump()).toEqual(before);
    }
  });

  it('reads a user stored in the keys the packed state replaced, and moves it on its next write', async () => {
    const userKey = 'u_before_packing';
    await Promise.all([
      redis.client.hset(featureKeys.userProfile(userKey), { 'n:view': '2', sess: 's-9' }),
      redis.client.hset(featureKeys.userCategories(userKey), 'Shoes > Trail', '2'),
      redis.client.rpush(featureKeys.userSequence(userKey), 'sku-2', 'sku-1'),
      redis.client.rpush(featureKeys.userSessionItems(userKey), 'sku-2', 'sku-1'),
      redis.client.hset(featureKeys.userGuard(userKey), 'o:direct:0', '0'),
    ]);
    expect(await store.readUser(userKey)).toMatchObject({
      profile: { 'n:view': '2' },
      categoryAffinity: { 'Shoes > Trail': '2' },
      sequence: ['sku-2', 'sku-1'],
    });

    const next = { ...view('legacy-1', 'sku-1', T0 + 4 * HOUR), userId: userKey, sessionId: 's-9' };
    expect(
      await store.apply({ plans: [{ plan: updatePlanOf(next as StorefrontEvent) }] }),
    ).toMatchObject([{ status: 'applied' }]);

    const user = await store.readUser(userKey);
    expect(user.profile['n:view']).toBe('3');
    expect(user.sequence).toEqual(['sku-1', 'sku-2', 'sku-1']);
    expect(await redis.client.type(featureKeys.userState(userKey))).toBe('string');
    for (const replaced of [
      featureKeys.userProfile,
      featureKeys.userCategories,
      featureKeys.userSequence,
      featureKeys.userSessionItems,
    ])
      expect(await redis.client.exists(replaced(userKey))).toBe(0);
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

  it('expires what should expire: user state and guard, daily popularity, never items', async () => {
    const ttl = (key: string) => redis.client.ttl(key);
    const userTtl = await ttl(featureKeys.userState('u_1'));
    expect(userTtl).toBeGreaterThan(defaultFeatureStoreSettings.userTtlSeconds - 60);
    // The packed state replaced the profile, affinity, sequence and session keys.
    for (const replaced of [featureKeys.userProfile, featureKeys.userSequence])
      expect(await redis.client.exists(replaced('u_1'))).toBe(0);
    expect(await ttl(featureKeys.userGuard('u_1'))).toBeGreaterThan(
      defaultFeatureStoreSettings.userTtlSeconds - 60,
    );
    expect(await ttl(featureKeys.popularityOfDay(DIRECT_SOURCE, utcDay(T0)))).toBeGreaterThan(
      7 * 86_400,
    );
    expect(await ttl(featureKeys.item('sku-1'))).toBe(-1);
    expect(await ttl(featureKeys.coVisitation('sku-1'))).toBe(-1);
  });

  it('applies a replay from an older offset after a restart exactly once (users, items, pairs, popularity)', async () => {
    const traffic = Array.from({ length: 30 }, (_, index) => ({
      plan: updatePlanOf({
        ...view(`r${index}`, `sku-r${index % 4}`, T0 + index * 60_000),
        userId: `u_r${index % 3}`,
        sessionId: 'r',
      }),
      offset: BigInt(100 + index),
      receivedAtMs: T0,
    }));
    const source = 'events.raw.v1:7';
    const first = store.writer();
    await first.apply({ source, events: traffic.slice(0, 20), lastOffset: 119n });
    // A restart: a new owner (empty cache) is handed the partition from an older committed offset.
    const second = store.writer();
    const outcomes = await second.apply({ source, events: traffic.slice(10), lastOffset: 129n });
    expect(outcomes.slice(0, 10).every((outcome) => outcome.status === 'already_applied')).toBe(
      true,
    );
    const users = await Promise.all([0, 1, 2].map((n) => store.readUser(`u_r${n}`)));
    expect(users.map((user) => Number(user.profile['n:view']))).toEqual([10, 10, 10]);
    const items = await store.readItems(['sku-r0', 'sku-r1', 'sku-r2', 'sku-r3']);
    expect([...items.values()].map((hash) => Number(hash['n:view']))).toEqual([8, 8, 7, 7]);
    // Each user sees sku-r(i%4) in turn; the pair weights equal one pass over the 30 events.
    const onceRedis = new RedisConnection(target.config(`${namespace.redisKeyPrefix}once:`));
    const once = new FeatureStore(onceRedis, defaultFeatureStoreSettings);
    await onceRedis.connect();
    try {
      await once.writer().apply({ source, events: traffic, lastOffset: 129n });
      for (const itemId of ['sku-r0', 'sku-r1', 'sku-r2', 'sku-r3'])
        expect(await store.coVisitation(itemId, 10)).toEqual(await once.coVisitation(itemId, 10));
    } finally {
      await onceRedis.disconnect();
    }
  });

  it('loses nothing when a writer dies after the aggregates and before the users (replay from the mark)', async () => {
    const source = 'events.raw.v1:9';
    const traffic = Array.from({ length: 24 }, (_, index) => ({
      plan: updatePlanOf({
        ...view(`c${index}`, `sku-c${index % 3}`, T0 + index * 60_000),
        userId: `u_c${index % 2}`,
        sessionId: 'c',
      }),
      offset: BigInt(index),
      receivedAtMs: T0,
    }));
    const dying = store.writer();
    await dying.apply({ source, events: traffic.slice(0, 8), lastOffset: 7n });
    // The process dies after the item and shard writes of the next batch, before its users' writes.
    Object.assign(dying as unknown as Record<string, unknown>, {
      flushUsers: () => Promise.reject(new Error('killed')),
    });
    await expect(
      dying.apply({ source, events: traffic.slice(8, 16), lastOffset: 15n }),
    ).rejects.toThrow('killed');
    expect(await store.storedOffset('events.raw.v1', 9)).toBe('7');
    // A new owner resumes after the mark and replays.
    await store.writer().apply({ source, events: traffic.slice(8), lastOffset: 23n });

    await expectSameAsOnePass('crash-once', {
      source,
      traffic,
      users: ['u_c0', 'u_c1'],
      items: ['sku-c0', 'sku-c1', 'sku-c2'],
    });
  });

  /** Fails the writer's Nth group execution once: before Redis runs it, or after (the reply lost). */
  function failExecutionOnce(writer: FeatureWriter, call: number, when: 'before' | 'after'): void {
    const executor = (writer as unknown as { executor: WriteExecutor }).executor;
    const execute = executor.executeAll.bind(executor);
    let calls = 0;
    executor.executeAll = async (groups) => {
      calls += 1;
      if (calls !== call) return execute(groups);
      if (when === 'after') await execute(groups);
      throw new Error('connection lost');
    };
  }

  it.each([
    { phase: 'aggregates flush', when: 'before' },
    { phase: 'aggregates flush', when: 'after' },
    { phase: 'users flush', when: 'before' },
    { phase: 'users flush', when: 'after' },
    { phase: 'resume mark', when: 'before' },
    // Writing the batch's training examples (before anything of the batch is written) fails.
    { phase: 'training examples', when: 'before' },
  ] as const)(
    'loses nothing when the same writer retries a batch whose $phase failed ($when Redis ran it)',
    async ({ phase, when }) => {
      const tag = `${phase.replace(/ /g, '-')}-${when}`;
      const source = `events.raw.v1:${tag}`;
      const traffic = Array.from({ length: 24 }, (_, index) => ({
        plan: updatePlanOf({
          ...view(`f${tag}${index}`, `sku-${tag}${index % 3}`, T0 + index * 60_000),
          userId: `u_${tag}${index % 2}`,
          sessionId: 'f',
        }),
        offset: BigInt(index),
        receivedAtMs: T0,
      }));
      const writer = store.writer();
      await writer.apply({ source, events: traffic.slice(0, 8), lastOffset: 7n });
      if (phase === 'resume mark')
        Object.assign(writer as unknown as Record<string, unknown>, {
          markResume: () => Promise.reject(new Error('connection lost')),
        });
      else if (phase !== 'training examples')
        failExecutionOnce(writer, phase === 'aggregates flush' ? 1 : 2, when);
      const failing = { source, events: traffic.slice(8, 16), lastOffset: 15n };
      const beforeFlush =
        phase === 'training examples'
          ? () => Promise.reject(new Error('connection lost'))
          : undefined;
      await expect(writer.apply(failing, { beforeFlush })).rejects.toThrow('connection lost');
      // The consumer retries the batch on the same writer, then goes on.
      if (phase === 'resume mark') delete (writer as unknown as Record<string, unknown>).markResume;
      await writer.apply(failing);
      await writer.apply({ source, events: traffic.slice(16), lastOffset: 23n });
      await expectSameAsOnePass(`retry-once-${tag}`, {
        source,
        traffic,
        users: [`u_${tag}0`, `u_${tag}1`],
        items: [0, 1, 2].map((n) => `sku-${tag}${n}`),
      });
    },
  );

  it('refuses to write once its connection was lost; resumed from the mark, it replays what Redis lost', async () => {
    const source = 'events.raw.v1:11';
    const traffic = Array.from({ length: 24 }, (_, index) => ({
      plan: updatePlanOf({
        ...view(`l${index}`, `sku-l${index % 3}`, T0 + index * 60_000),
        userId: `u_l${index % 2}`,
        sessionId: 'l',
      }),
      offset: BigInt(index),
      receivedAtMs: T0,
    }));
    const connection = new RedisConnection(target.config(`${namespace.redisKeyPrefix}lost:`), {
      resendAfterReconnect: false,
    });
    await connection.connect();
    try {
      const lossy = new FeatureStore(connection, defaultFeatureStoreSettings);
      const writer = lossy.writer();
      await writer.apply({ source, events: traffic.slice(0, 8), lastOffset: 7n });
      const beforeLastSecond = await snapshotOf(connection);
      await writer.apply({ source, events: traffic.slice(8, 16), lastOffset: 15n });
      // Redis restarts from an AOF without the second batch, and the writer's connection drops.
      await restore(connection, beforeLastSecond);
      const losses = connection.connectionLosses;
      connection.client.disconnect(true);
      const reconnected = () =>
        connection.connectionLosses > losses && connection.client.status === 'ready';
      await waitFor(() => (reconnected() ? true : undefined), {
        description: 'the writer to reconnect',
      });
      const refused = await writer
        .apply({ source, events: traffic.slice(16), lastOffset: 23n })
        .catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'FEATURE_STORE_RECONNECTED', retriable: true });
      // The consumer resumes after the store's mark, on the same writer.
      expect(await lossy.storedOffset('events.raw.v1', 11)).toBe('7');
      await writer.apply({ source, events: traffic.slice(8), lastOffset: 23n });
      await expectSameAsOnePass('lost-once', {
        source,
        traffic,
        users: ['u_l0', 'u_l1'],
        items: ['sku-l0', 'sku-l1', 'sku-l2'],
        store: lossy,
      });
    } finally {
      await connection.disconnect();
    }
  });

  /** Every key under the connection's prefix, as DUMP gives it, with its TTL. */
  async function snapshotOf(connection: RedisConnection) {
    const keys = await connection.scanKeys('*');
    return Promise.all(
      keys.map(async (key) => ({
        key,
        value: await connection.client.dumpBuffer(key),
        ttlMs: Math.max(0, await connection.client.pttl(key)),
      })),
    );
  }

  async function restore(
    connection: RedisConnection,
    snapshot: Awaited<ReturnType<typeof snapshotOf>>,
  ): Promise<void> {
    for (const key of await connection.scanKeys('*')) await connection.client.del(key);
    for (const { key, value, ttlMs } of snapshot)
      await connection.client.restore(key, ttlMs, value, 'REPLACE');
  }

  /** The store holds what one straight pass over `traffic` writes under a fresh prefix. */
  async function expectSameAsOnePass(
    prefix: string,
    input: {
      source: string;
      traffic: EventToApply[];
      users: string[];
      items: string[];
      store?: FeatureStore;
    },
  ): Promise<void> {
    const { source, traffic, users, items } = input;
    const store = input.store ?? shared;
    const onceRedis = new RedisConnection(target.config(`${namespace.redisKeyPrefix}${prefix}:`));
    const once = new FeatureStore(onceRedis, defaultFeatureStoreSettings);
    await onceRedis.connect();
    try {
      await once.writer().apply({ source, events: traffic, lastOffset: traffic.at(-1)!.offset });
      for (const userKey of users)
        expect((await store.readUser(userKey)).profile).toEqual(
          (await once.readUser(userKey)).profile,
        );
      const [stored, straight] = [await store.readItems(items), await once.readItems(items)];
      for (const itemId of items) {
        const [left, right] = [stored.get(itemId)!, straight.get(itemId)!];
        expect(Object.keys(left).sort()).toEqual(Object.keys(right).sort());
        // Counts exactly; decayed sums up to the order of float additions.
        for (const field of Object.keys(right))
          expect(Number(left[field]) / Number(right[field])).toBeCloseTo(1, 12);
      }
      for (const itemId of items)
        expect(await store.coVisitation(itemId, 10)).toEqual(await once.coVisitation(itemId, 10));
      const ours = (entries: { itemId: string }[]) =>
        entries.filter((entry) => items.includes(entry.itemId));
      expect(ours(await store.popular(100))).toEqual(ours(await once.popular(100)));
    } finally {
      await onceRedis.disconnect();
    }
  }

  it('refuses a flush whose user changed since it was read (erasure) and re-reads on the retry', async () => {
    const writer = store.writer();
    const shopper = (eventId: string, offset: bigint, atMs: number) => ({
      plan: updatePlanOf({ ...view(eventId, 'sku-1', atMs), userId: 'u_erased' }),
      offset,
      receivedAtMs: atMs,
    });
    await writer.apply({ source: SOURCE, events: [shopper('x1', 20n, T0)], lastOffset: 20n });
    await new ErasureStore(redis, store.subjects).erase({ userKey: 'u_erased', requestId: 'r-1' });
    const later = Date.now() + 1_000;
    const retry = { source: SOURCE, events: [shopper('x2', 21n, later)], lastOffset: 21n };
    const refused = await writer.apply(retry).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('FEATURE_WRITE_CONFLICT');
    expect(await store.readUser('u_erased')).toMatchObject({ profile: {} });
    const outcomes = await writer.apply(retry);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['applied']);
    const user = await store.readUser('u_erased');
    expect(user.profile['n:view']).toBe('1');
  });

  it('deletes every feature key for a rebuild, keeping tombstones', async () => {
    expect(await store.deleteAll()).toBeGreaterThan(10);
    expect((await redis.scanKeys('*')).filter((key) => key.startsWith(featureKeys.root))).toEqual(
      [],
    );
  });
});
