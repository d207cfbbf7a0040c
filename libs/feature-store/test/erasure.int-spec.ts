/**
 * Erasure on a real Redis: exactly one user's data goes (features, sequences, shown/bought, experiment
 * and offer references), nothing of another user moves, the tombstone makes the apply script skip the
 * user's erased events atomically — also while batches stream in during the erasure — and the consent
 * refusal survives the erasure.
 */
import { AppError, type StorefrontEvent } from '@recsys/contracts';
import { parseExperiment } from '@recsys/experiments';
import { updatePlanOf } from '@recsys/features';
import { integrationEnvironment, testNamespace } from '@recsys/testing';
import {
  ERASURE_MARK_TTL_SECONDS,
  ErasureReceiptStore,
  ErasureStore,
  ErasureSubjects,
  ExperimentStore,
  FeatureStore,
  RedisConnection,
  defaultExperimentStoreSettings,
  defaultFeatureStoreSettings,
  experimentKeys,
  featureKeys,
  privacyKeys,
  type BatchToApply,
} from '../src';

const SECRET = 'erasure-int-test-tombstone-secret';
const HOUR = 3_600_000;
const OLD = Date.now() - 2 * HOUR;

let sequence = 0;
function event(user: string, overrides: Record<string, unknown>): StorefrontEvent {
  sequence += 1;
  return {
    // Event ids name no user: their de-duplication markers outlive an erasure.
    eventId: `ev-${sequence}`,
    schemaVersion: 1,
    userId: user,
    sessionId: `s-${user}`,
    timestamp: new Date(OLD + sequence * 1_000).toISOString(),
    eventType: 'product_view',
    itemId: 'sku-1',
    price: 10,
    currency: 'EUR',
    categoryPath: ['Shoes'],
    ...overrides,
  };
}

/** A shopper's whole footprint: views, cart, purchase, an impression and a click on it, consent. */
function historyOf(user: string, personalization = true): StorefrontEvent[] {
  const request = `req-${sequence}`;
  return [
    event(user, { itemId: 'sku-1', consent: { personalization } }),
    event(user, { itemId: 'sku-2' }),
    event(user, {
      eventType: 'add_to_cart',
      itemId: 'sku-2',
      quantity: 1,
      categoryPath: undefined,
    }),
    event(user, {
      eventType: 'purchase',
      orderId: `o-${user}`,
      revenue: 10,
      items: [{ itemId: 'sku-2', quantity: 1, price: 10 }],
      itemId: undefined,
      price: undefined,
      categoryPath: undefined,
    }),
    event(user, {
      eventType: 'recommendation_impression',
      requestId: request,
      items: [
        { itemId: 'sku-3', position: 0 },
        { itemId: 'sku-4', position: 1 },
      ],
      itemId: undefined,
      price: undefined,
      currency: undefined,
      categoryPath: undefined,
    }),
    event(user, {
      eventType: 'recommendation_click',
      requestId: request,
      itemId: 'sku-3',
      position: 0,
      price: undefined,
      currency: undefined,
      categoryPath: undefined,
    }),
  ];
}

const batchOf = (events: StorefrontEvent[], receivedAtMs?: number): BatchToApply => ({
  plans: events.map((entry) => ({
    plan: updatePlanOf(entry),
    ...(receivedAtMs === undefined ? {} : { receivedAtMs }),
  })),
});

describe('erasure on a real Redis', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('erasure');
  const redis = new RedisConnection({
    url: environment.redisUrl,
    keyPrefix: namespace.redisKeyPrefix,
    connectTimeoutMs: 2_000,
  });
  const store = new FeatureStore(redis, {
    ...defaultFeatureStoreSettings,
    tombstoneSecret: SECRET,
  });
  const erasures = new ErasureStore(redis, store.subjects);
  const experiments = new ExperimentStore(redis, {
    ...defaultExperimentStoreSettings,
    tombstoneSecret: SECRET,
  });

  /** Every key with its content, as plain data (for "nothing else moved" comparisons). */
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

  const mentioning = (snapshot: Record<string, unknown>, user: string) =>
    Object.entries(snapshot)
      .filter(([key, value]) => key.includes(user) || JSON.stringify(value).includes(user))
      .filter(([key, value]) => !isErasureMark(key, value, user))
      .map(([key]) => key);
  /** The user's guard reset to the erasure time alone (it expires within the hour; checked apart). */
  const isErasureMark = (key: string, value: unknown, user: string) =>
    key === featureKeys.userGuard(user) && Object.keys(value as object).join() === 'e';

  async function footprint(user: string): Promise<void> {
    await store.apply(batchOf(historyOf(user)));
    await experiments.recordImpression({
      eventId: `imp-${sequence}`,
      requestId: `exp-req-${sequence}`,
      experimentId: 'exp-1',
      arm: 'b',
      userKey: user,
      itemIds: ['sku-1', 'sku-2'],
      atMs: OLD,
    });
    await experiments.recordOfferDecision({
      campaignId: 'spring',
      userKey: user,
      group: 'treatment',
      propensityBucket: 2,
      atMs: OLD,
    });
    await experiments.recordPurchase({
      eventId: `buy-${sequence}`,
      userKey: user,
      revenue: 5,
      atMs: OLD + 60_000,
    });
  }

  beforeAll(async () => {
    await redis.connect();
    await erasures.verifySecret();
    await experiments.create(
      parseExperiment({
        id: 'exp-1',
        description: 'a against b',
        status: 'draft',
        arms: [
          { name: 'a', share: 0.5, strategy: { kind: 'popularity' } },
          { name: 'b', share: 0.5, strategy: { kind: 'model', modelVersion: 'champion' } },
        ],
        controlArm: 'a',
        primaryMetric: 'ctr',
        guardrails: {
          minImpressionsPerArm: 1,
          minUsersPerArm: 1,
          maxConversionDrop: 0.5,
          alpha: 0.05,
        },
        autoPromote: false,
      }),
    );
    await experiments.setStatus('exp-1', 'running', OLD - HOUR);
    await footprint('u_alice');
    await footprint('u_bob');
  });

  afterAll(async () => {
    await redis.disconnect();
  });

  it('removes exactly the erased user’s data and reports it; another user’s data does not move', async () => {
    const before = await dump();
    expect(mentioning(before, 'u_alice').length).toBeGreaterThan(8);
    const bobKeys = mentioning(before, 'u_bob');
    const shared = mentioning(before, 'u_alice').filter((key) => bobKeys.includes(key));
    const bobsOwn = bobKeys.filter((key) => !shared.includes(key));
    const pick = (snapshot: Record<string, unknown>, keys: string[]) =>
      Object.fromEntries(keys.map((key) => [key, snapshot[key]]));

    const result = await erasures.erase({ userKey: 'u_alice', requestId: 'er-test-1' });

    const after = await dump();
    expect(mentioning(after, 'u_alice')).toEqual([]);
    expect(after[featureKeys.userGuard('u_alice')]).toEqual({
      e: String(result.tombstone.erasedAtMs),
    });
    const markTtl = await redis.client.ttl(featureKeys.userGuard('u_alice'));
    expect(markTtl).toBeGreaterThan(ERASURE_MARK_TTL_SECONDS - 60);
    expect(markTtl).toBeLessThanOrEqual(ERASURE_MARK_TTL_SECONDS);
    const subject = store.subjects.subjectOf('u_alice');
    expect(after[privacyKeys.tombstone(subject)]).toMatchObject({
      req: 'er-test-1',
      n: '1',
      optout: '0',
    });
    // Bob's keys are as they were; the shared ones (sets, hashes) only lost Alice.
    // Packed state, shown, purchased, impressions, guard, experiment exposures.
    expect(bobsOwn.length).toBeGreaterThanOrEqual(6);
    expect(pick(after, bobsOwn)).toEqual(pick(before, bobsOwn));
    expect(shared.length).toBe(4);
    expect(mentioning(pick(after, shared), 'u_bob')).toEqual(shared);
    const byKind = Object.fromEntries(result.removed.map((removal) => [removal.kind, removal]));
    // One packed value holds the profile, affinities, recent and session items.
    expect(byKind['user_features']).toEqual(expect.objectContaining({ keys: 1, entries: 1 }));
    for (const replaced of ['user_profile', 'category_affinity', 'recent_items', 'session_items'])
      expect(byKind[replaced]).toEqual(expect.objectContaining({ keys: 0, entries: 0 }));
    expect(byKind['purchased_items']).toEqual(expect.objectContaining({ keys: 1, entries: 1 }));
    expect(byKind['recommendations_shown']).toEqual(
      expect.objectContaining({ keys: 1, entries: 3 }),
    );
    // One list of the user's newest impressions; the footprint has one.
    expect(byKind['impression_lists']).toEqual(expect.objectContaining({ keys: 1, entries: 1 }));
    expect(byKind['experiment_exposures']).toMatchObject({ keys: 1 });
    expect(byKind['experiment_arm_membership']).toMatchObject({ keys: 1 });
    expect(byKind['experiment_conversions']).toMatchObject({ keys: 1 });
    expect(byKind['offer_decisions']).toMatchObject({ keys: 1 });
    expect(byKind['offer_conversions']).toMatchObject({ keys: 1 });
    expect(byKind['served_request_links']).toMatchObject({ keys: 1 });
    expect(JSON.stringify(result.removed)).not.toContain('u_alice');
    expect(result.previous).toBeUndefined();
    expect(result.tombstone.subject).toBe(subject);
    // Aggregates stay: the experiment still counts Alice's exposure, anonymously.
    expect((await experiments.readCounters('exp-1'))['b']).toMatchObject({ exposedUsers: 2 });
  });

  it('skips the erased user’s old events, atomically with the apply, and accepts a new history', async () => {
    const tombstone = (await erasures.tombstoneOf(store.subjects.subjectOf('u_alice')))!;
    const replay = await store.apply(batchOf(historyOf('u_alice')));
    expect(replay.map((outcome) => outcome.status)).toEqual(Array(6).fill('erased'));
    expect(mentioning(await dump(), 'u_alice')).toEqual([]);

    // Happened after the erasure but received before it (a clock running ahead): still erased history.
    const skewed = event('u_alice', {
      timestamp: new Date(tombstone.erasedAtMs + 60_000).toISOString(),
    });
    expect(await store.apply(batchOf([skewed], tombstone.erasedAtMs - 1))).toEqual([
      { status: 'erased' },
    ]);

    const later = event('u_alice', {
      timestamp: new Date(tombstone.erasedAtMs + 1_000).toISOString(),
    });
    expect(await store.apply(batchOf([later], tombstone.erasedAtMs + 1_000))).toMatchObject([
      { status: 'applied' },
    ]);
    expect((await store.readUser('u_alice')).profile['n:view']).toBe('1');
  });

  it('erases again idempotently: the tombstone moves forward and the new history goes', async () => {
    const first = (await erasures.tombstoneOf(store.subjects.subjectOf('u_alice')))!;
    const again = await erasures.erase({ userKey: 'u_alice', requestId: 'er-test-2' });
    expect(again.previous).toEqual({ requestId: 'er-test-1', erasedAtMs: first.erasedAtMs });
    expect(again.tombstone).toMatchObject({ erasures: 2, firstErasedAtMs: first.erasedAtMs });
    expect(again.tombstone.erasedAtMs).toBeGreaterThanOrEqual(first.erasedAtMs);
    expect(again.removed.find((removal) => removal.kind === 'user_features')).toMatchObject({
      keys: 1,
    });

    const third = await erasures.erase({ userKey: 'u_alice', requestId: 'er-test-3' });
    expect(third.removed.every((removal) => removal.keys === 0)).toBe(true);
    expect(mentioning(await dump(), 'u_alice')).toEqual([]);
  });

  it('keeps an erased user’s refusal of personalisation until an event states consent again', async () => {
    await store.apply(batchOf(historyOf('u_carol', false)));
    expect((await store.readUser('u_carol')).profile['optout']).toBe('1');
    const erased = await erasures.erase({ userKey: 'u_carol', requestId: 'er-carol' });
    expect(erased.tombstone.consentRefused).toBe(true);
    const after = erased.tombstone.erasedAtMs + 1_000;
    const at = (ms: number) => new Date(ms).toISOString();

    const silent = event('u_carol', { timestamp: at(after) });
    expect(await store.apply(batchOf([silent], after))).toEqual([{ status: 'erased' }]);
    const consenting = event('u_carol', {
      timestamp: at(after + 1),
      consent: { personalization: true },
    });
    expect(await store.apply(batchOf([consenting], after + 1))).toMatchObject([
      { status: 'applied' },
    ]);
    expect((await store.readUser('u_carol')).profile['optout']).toBe('0');
    expect((await erasures.tombstoneOf(store.subjects.subjectOf('u_carol')))!.consentRefused).toBe(
      false,
    );

    const refusing = event('u_carol', {
      timestamp: at(after + 2),
      consent: { personalization: false },
    });
    expect(await store.apply(batchOf([refusing], after + 2))).toEqual([{ status: 'erased' }]);
    // The new history's profile now carries the refusal, so the scorer stops personalising.
    expect((await store.readUser('u_carol')).profile['optout']).toBe('1');
  });

  /** As the preprocessor's consumer does: a batch refused by a conflict runs again from fresh state. */
  async function applyRetryingConflicts(batch: BatchToApply) {
    for (;;) {
      try {
        return await store.apply(batch);
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'FEATURE_WRITE_CONFLICT')) throw error;
      }
    }
  }

  it('leaves nothing of a user whose old events stream in while the erasure runs', async () => {
    const streaming = Array.from({ length: 40 }, () => historyOf('u_dave'));
    let stop = false;
    const applied: string[] = [];
    const writer = (async () => {
      for (const events of streaming) {
        if (stop) break;
        const outcomes = await applyRetryingConflicts(batchOf(events, Date.now() - HOUR));
        applied.push(...outcomes.map((outcome) => outcome.status));
      }
    })();
    while (applied.length < 30) await new Promise((resolve) => setTimeout(resolve, 1));
    await erasures.erase({ userKey: 'u_dave', requestId: 'er-dave' });
    await writer;
    stop = true;

    expect(applied).toContain('applied');
    expect(applied).toContain('erased');
    // Once a batch was skipped, no later batch applied anything (a writer that read the user before the
    // erasure had its flush refused and re-read).
    expect(applied.slice(applied.indexOf('erased'))).not.toContain('applied');
    expect(mentioning(await dump(), 'u_dave')).toEqual([]);
  });

  it('keeps an erased user’s history out of experiment and offer attribution', async () => {
    const impression = (requestId: string, atMs: number) =>
      experiments.recordImpression({
        eventId: `imp-${requestId}`,
        requestId,
        experimentId: 'exp-1',
        arm: 'a',
        userKey: 'u_dave',
        itemIds: ['sku-1'],
        atMs,
      });
    expect(await impression('late-old', OLD)).toEqual({ status: 'erased' });
    expect(
      await experiments.recordPurchase({
        eventId: 'buy-old',
        userKey: 'u_dave',
        revenue: 5,
        atMs: OLD,
      }),
    ).toEqual({ status: 'erased' });
    expect(await redis.client.sismember(experimentKeys.exposedUsers('exp-1', 'a'), 'u_dave')).toBe(
      0,
    );
    expect(await redis.client.exists(experimentKeys.request('late-old'))).toBe(0);

    // After the erasure Dave is a new shopper; Carol still refuses, so no offer decision is logged.
    expect(await impression('new', Date.now() + 1_000)).toMatchObject({ status: 'counted' });
    expect(
      await experiments.recordOfferDecision({
        campaignId: 'spring',
        userKey: 'u_carol',
        group: 'treatment',
        propensityBucket: 1,
        atMs: Date.now(),
      }),
    ).toEqual({ status: 'erased' });
  });

  it('lists the subjects erased since a time, for the trainer', async () => {
    const since = await erasures.erasedSince(0, 2);
    expect([...since.keys()].sort()).toEqual(
      ['u_alice', 'u_carol', 'u_dave'].map((user) => store.subjects.subjectOf(user)).sort(),
    );
    expect(await erasures.erasedSince(Date.now() + HOUR)).toEqual(new Map());
    expect(await erasures.tombstoneCount()).toBe(3);
    const [alice, nobody, dave] = ['u_alice', 'u_nobody', 'u_dave'].map((user) =>
      store.subjects.subjectOf(user),
    );
    expect(await erasures.erasedAtOf([alice!, nobody!, dave!], 2)).toEqual([
      since.get(alice!),
      undefined,
      since.get(dave!),
    ]);
  });

  it('refuses a different tombstone secret once tombstones exist', async () => {
    await expect(erasures.verifySecret()).resolves.toBe('same');
    const other = new ErasureStore(redis, new ErasureSubjects('another-secret-0123456789'));
    await expect(other.verifySecret()).rejects.toMatchObject({ code: 'TOMBSTONE_KEY_MISMATCH' });

    const fresh = testNamespace('erasure-fresh');
    const empty = new RedisConnection({ ...redis.config, keyPrefix: fresh.redisKeyPrefix });
    await empty.connect();
    try {
      await expect(new ErasureStore(empty, new ErasureSubjects()).verifySecret()).resolves.toBe(
        'stored',
      );
      // No tombstone yet: a development setup may switch to a real secret.
      await expect(
        new ErasureStore(empty, new ErasureSubjects(SECRET)).verifySecret(),
      ).resolves.toBe('replaced');
    } finally {
      await empty.disconnect();
    }
  });

  it('stores receipts and reads them back validated', async () => {
    const receipts = new ErasureReceiptStore(redis);
    const receipt = {
      schemaVersion: 1 as const,
      requestId: 'er-3f1c2a9e-7b1d-4c5e-9a0b-2d6f8e1a4c7b',
      subject: store.subjects.subjectOf('u_alice'),
      identity: 'user' as const,
      requestedAt: new Date().toISOString(),
      erasedAt: new Date().toISOString(),
      outcome: 'erased' as const,
      tombstone: {
        keyPattern: privacyKeys.tombstone('<subject>'),
        created: true,
        erasures: 1,
        firstErasedAt: new Date().toISOString(),
        consentRefusalCarried: false,
      },
      removed: [],
      announcement: { topic: 'privacy.erasures.v1', partition: 0, offset: '0' },
      retained: [],
      notes: [],
    };
    await receipts.save(receipt);
    await expect(receipts.get(receipt.requestId)).resolves.toEqual(receipt);
    await expect(receipts.get('er-00000000-0000-0000-0000-000000000000')).resolves.toBeUndefined();
  });
});
