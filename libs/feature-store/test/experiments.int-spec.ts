import { AppError } from '@recsys/contracts';
import {
  buildReport,
  decidePromotion,
  estimateUpliftModel,
  type Experiment,
  parseExperiment,
} from '@recsys/experiments';
import { integrationEnvironment, testNamespace } from '@recsys/testing';
import {
  type ExperimentStoreSettings,
  ExperimentStore,
  RedisConnection,
  defaultExperimentStoreSettings,
  experimentKeys,
} from '../src';

const T0 = Date.parse('2026-11-28T10:00:00.000Z');
const HOUR = 3_600_000;

function anExperiment(overrides: Partial<Experiment> = {}): Experiment {
  return parseExperiment({
    id: 'exp-1',
    description: 'GRU vs champion',
    status: 'draft',
    arms: [
      { name: 'control', share: 0.5, strategy: { kind: 'model', modelVersion: 'champion' } },
      { name: 'gru', share: 0.5, strategy: { kind: 'model', modelVersion: 'gru-1' } },
    ],
    controlArm: 'control',
    primaryMetric: 'ctr',
    guardrails: { minImpressionsPerArm: 1, minUsersPerArm: 1, maxConversionDrop: 0.5, alpha: 0.05 },
    autoPromote: false,
    ...overrides,
  });
}

describe('ExperimentStore on a real Redis', () => {
  const environment = integrationEnvironment();
  let redis: RedisConnection;
  let store: ExperimentStore;

  async function connect(settings: Partial<ExperimentStoreSettings> = {}): Promise<void> {
    const namespace = testNamespace('experiments');
    redis = new RedisConnection({
      url: environment.redisUrl,
      keyPrefix: namespace.redisKeyPrefix,
      connectTimeoutMs: 2_000,
    });
    await redis.connect();
    store = new ExperimentStore(redis, { ...defaultExperimentStoreSettings, ...settings });
  }

  async function running(overrides: Partial<Experiment> = {}): Promise<Experiment> {
    const experiment = anExperiment(overrides);
    await store.create(experiment);
    const change = await store.setStatus(experiment.id, 'running', T0 - HOUR);
    if (change.status !== 'changed') throw new Error(`could not start: ${change.status}`);
    return change.experiment;
  }

  const impression = (requestId: string, overrides: Record<string, unknown> = {}) => ({
    eventId: `ev-imp-${requestId}`,
    requestId,
    experimentId: 'exp-1',
    arm: 'gru',
    userKey: 'u_1',
    itemIds: ['i1', 'i2', 'i3'],
    atMs: T0,
    ...overrides,
  });

  beforeEach(async () => {
    await connect();
  });

  afterEach(async () => {
    await redis.disconnect();
  });

  describe('definitions', () => {
    it('creates, reads and lists definitions, refusing to overwrite on create', async () => {
      expect(await store.create(anExperiment())).toBe('created');
      expect(await store.create(anExperiment({ description: 'other' }))).toBe('exists');
      await store.create(anExperiment({ id: 'a-first' }));
      expect(await store.get('exp-1')).toEqual(anExperiment());
      expect(await store.get('missing')).toBeUndefined();
      expect((await store.list()).map((experiment) => experiment.id)).toEqual(['a-first', 'exp-1']);
    });

    it('validates on write and on read', async () => {
      const broken = { ...anExperiment(), controlArm: 'nope' };
      await expect(store.create(broken)).rejects.toMatchObject({ code: 'EXPERIMENT_INVALID' });
      await redis.client.hset(experimentKeys.definitions(), 'corrupt', '{"id":"corrupt"}');
      await expect(store.get('corrupt')).rejects.toBeInstanceOf(AppError);
      await expect(store.list()).rejects.toMatchObject({ code: 'EXPERIMENT_INVALID' });
    });

    it('moves status along allowed transitions only, setting startedAt once', async () => {
      await store.create(anExperiment());
      expect(await store.setStatus('exp-1', 'concluded')).toEqual({
        status: 'invalid_transition',
        from: 'draft',
        to: 'concluded',
      });
      const started = await store.setStatus('exp-1', 'running', T0);
      expect(started).toMatchObject({
        status: 'changed',
        experiment: { status: 'running', startedAt: new Date(T0).toISOString() },
      });
      expect(await redis.client.hget(experimentKeys.running(), 'exp-1')).toBe('["control","gru"]');
      await store.setStatus('exp-1', 'stopped', T0 + HOUR);
      expect(await redis.client.hexists(experimentKeys.running(), 'exp-1')).toBe(0);
      const restarted = await store.setStatus('exp-1', 'running', T0 + 2 * HOUR);
      expect(restarted).toMatchObject({ experiment: { startedAt: new Date(T0).toISOString() } });
      expect(await store.setStatus('missing', 'running')).toEqual({ status: 'not_found' });
    });

    it('updates a definition by compare-and-set, keeping the running index in step', async () => {
      await running();
      const results = await Promise.all(
        [0.4, 0.3].map((share) =>
          store.update('exp-1', (current) => ({
            ...current,
            description: `${current.description} +${share}`,
          })),
        ),
      );
      expect(results.every((result) => result.status === 'changed')).toBe(true);
      // Both edits applied, one after the other: neither was lost.
      expect((await store.get('exp-1'))!.description).toMatch(/GRU vs champion \+0\.\d \+0\.\d/);
      const threeArms = await store.update('exp-1', (current) => ({
        ...current,
        arms: [
          ...current.arms.map((arm) => ({ ...arm, share: 0.4 })),
          { name: 'pop', share: 0.2, strategy: { kind: 'popularity' as const } },
        ],
      }));
      expect(threeArms.status).toBe('changed');
      expect(await redis.client.hget(experimentKeys.running(), 'exp-1')).toBe(
        '["control","gru","pop"]',
      );
    });

    it('records a promotion by concluding the experiment, idempotently', async () => {
      await running();
      expect(await store.recordPromotion('exp-1', { arm: 'nope', reason: 'x' })).toEqual({
        status: 'unknown_arm',
      });
      const promoted = await store.recordPromotion('exp-1', {
        arm: 'gru',
        reason: 'ctr +10%',
        atMs: T0,
      });
      expect(promoted).toMatchObject({
        status: 'changed',
        experiment: {
          status: 'concluded',
          promotion: { arm: 'gru', reason: 'ctr +10%', promotedAt: new Date(T0).toISOString() },
        },
      });
      expect(await store.recordPromotion('exp-1', { arm: 'gru', reason: 'again' })).toMatchObject({
        status: 'changed',
        experiment: { promotion: { reason: 'ctr +10%' } },
      });
      expect(await store.recordPromotion('exp-1', { arm: 'control', reason: 'no' })).toMatchObject({
        status: 'invalid_transition',
      });
      expect(await redis.client.hexists(experimentKeys.running(), 'exp-1')).toBe(0);
    });
  });

  describe('impressions', () => {
    it('counts an impression once per request id and a user once per arm', async () => {
      await running();
      expect(await store.recordImpression(impression('r1'))).toEqual({
        status: 'counted',
        newUser: true,
      });
      // The same request logged again (redelivery, or by the storefront under another event id).
      expect(await store.recordImpression(impression('r1', { eventId: 'other' }))).toEqual({
        status: 'duplicate',
      });
      expect(await store.recordImpression(impression('r2'))).toEqual({
        status: 'counted',
        newUser: false,
      });
      await store.recordImpression(impression('r3', { userKey: 'u_2', arm: 'control' }));
      expect(await store.readCounters('exp-1')).toEqual({
        gru: expect.objectContaining({ impressions: 2, exposedUsers: 1 }),
        control: expect.objectContaining({ impressions: 1, exposedUsers: 1 }),
      });
      expect(await redis.client.ttl(experimentKeys.request('r1'))).toBeGreaterThan(86_000);
    });

    it('counts nothing for experiments that are not running or arms they do not have', async () => {
      await store.create(anExperiment());
      expect(await store.recordImpression(impression('r1'))).toEqual({ status: 'not_running' });
      await store.setStatus('exp-1', 'running', T0);
      expect(await store.recordImpression(impression('r2', { arm: 'nope' }))).toEqual({
        status: 'unknown_arm',
      });
      expect(await store.recordImpression(impression('r3', { experimentId: 'other' }))).toEqual({
        status: 'not_running',
      });
      expect(await store.readCounters('exp-1')).toEqual({});
    });

    it('counts one of many parallel deliveries of the same request, across connections', async () => {
      await running();
      const second = new RedisConnection(redis.config);
      await second.connect();
      const otherStore = new ExperimentStore(second);
      try {
        const outcomes = await Promise.all(
          Array.from({ length: 40 }, (_, index) =>
            (index % 2 === 0 ? store : otherStore).recordImpression(impression('r-par')),
          ),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'counted')).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome.status === 'duplicate')).toHaveLength(39);
        expect((await store.readCounters('exp-1'))['gru']).toMatchObject({
          impressions: 1,
          exposedUsers: 1,
        });
      } finally {
        await second.disconnect();
      }
    });
  });

  it('counts parallel redeliveries of one click and one purchase once', async () => {
    await running();
    await store.recordImpression(impression('r1'));
    const click = { eventId: 'c1', requestId: 'r1', itemId: 'i1', userKey: 'u_1' };
    const buy = { eventId: 'p1', userKey: 'u_1', revenue: 10, atMs: T0 + 1 };
    const outcomes = await Promise.all([
      ...Array.from({ length: 10 }, () => store.recordClick(click)),
      ...Array.from({ length: 10 }, () => store.recordPurchase(buy)),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'counted')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'recorded')).toHaveLength(1);
    expect((await store.readCounters('exp-1'))['gru']).toMatchObject({
      totalClicks: 1,
      purchases: 1,
      revenue: 10,
    });
  });

  it("bounds a user's exposure index by count and by the attribution horizon", async () => {
    await redis.disconnect();
    await connect({ maxExposuresPerUser: 3, attributionWindowMs: HOUR, offerWindowMs: HOUR });
    await running();
    for (let index = 0; index < 5; index += 1) {
      await store.recordImpression(impression(`r${index}`, { atMs: T0 + index * 60_000 }));
    }
    const key = experimentKeys.userExposures('u_1');
    expect(await redis.client.zcard(key)).toBe(3);
    await store.recordImpression(impression('r-later', { atMs: T0 + 3 * HOUR }));
    expect(await redis.client.zcard(key)).toBe(1);
    expect(await redis.client.pttl(key)).toBeLessThanOrEqual(HOUR);
  });

  describe('clicks', () => {
    it("attributes a click to its request's arm, once per event id", async () => {
      await running();
      await store.recordImpression(impression('r1'));
      const click = { eventId: 'c1', requestId: 'r1', itemId: 'i2', userKey: 'u_1' };
      expect(await store.recordClick(click)).toEqual({
        status: 'counted',
        experimentId: 'exp-1',
        arm: 'gru',
        firstClickOfRequest: true,
      });
      expect(await store.recordClick(click)).toEqual({ status: 'duplicate' });
      expect(await store.recordClick({ ...click, eventId: 'c2', itemId: 'i3' })).toMatchObject({
        status: 'counted',
        firstClickOfRequest: false,
      });
      expect((await store.readCounters('exp-1'))['gru']).toMatchObject({
        impressions: 1,
        clicks: 1,
        totalClicks: 2,
      });
      expect(await redis.client.ttl(experimentKeys.seen('c1'))).toBeGreaterThan(600_000);
    });

    it('ignores clicks on unknown requests and items that were not shown, and says so', async () => {
      await running();
      await store.recordImpression(impression('r1'));
      const click = { eventId: 'c1', requestId: 'unknown', itemId: 'i1', userKey: 'u_1' };
      expect(await store.recordClick(click)).toEqual({ status: 'unknown_request' });
      expect(await store.recordClick({ ...click, requestId: 'r1', itemId: 'i9' })).toEqual({
        status: 'not_shown',
      });
      expect((await store.readCounters('exp-1'))['gru']).toMatchObject({
        clicks: 0,
        totalClicks: 0,
      });
    });

    it('counts a click that arrived before its impression when it is retried afterwards', async () => {
      await running();
      const click = { eventId: 'c-early', requestId: 'r-late', itemId: 'i1', userKey: 'u_1' };
      expect(await store.recordClick(click)).toEqual({ status: 'unknown_request' });
      await store.recordImpression(impression('r-late'));
      expect(await store.recordClick(click)).toMatchObject({ status: 'counted' });
    });

    it('stops counting clicks once the experiment is stopped', async () => {
      await running();
      await store.recordImpression(impression('r1'));
      await store.setStatus('exp-1', 'stopped');
      expect(
        await store.recordClick({ eventId: 'c1', requestId: 'r1', itemId: 'i1', userKey: 'u_1' }),
      ).toEqual({ status: 'not_running' });
    });
  });

  describe('purchases', () => {
    const purchase = (eventId: string, atMs: number, revenue = 19.99) => ({
      eventId,
      userKey: 'u_1',
      revenue,
      atMs,
    });

    it('attributes a purchase after an exposure in the window: user once, revenue summed', async () => {
      await running();
      await store.recordImpression(impression('r1', { atMs: T0 }));
      expect(await store.recordPurchase(purchase('p1', T0 + HOUR))).toEqual({
        status: 'recorded',
        experiments: [{ experimentId: 'exp-1', arm: 'gru', newConversion: true }],
        offers: [],
      });
      expect(await store.recordPurchase(purchase('p1', T0 + HOUR))).toEqual({
        status: 'duplicate',
      });
      expect(await store.recordPurchase(purchase('p2', T0 + 2 * HOUR, 5.01))).toMatchObject({
        experiments: [{ experimentId: 'exp-1', arm: 'gru', newConversion: false }],
      });
      expect((await store.readCounters('exp-1'))['gru']).toMatchObject({
        exposedUsers: 1,
        convertedUsers: 1,
        purchases: 2,
        revenue: 25,
      });
    });

    it('does not attribute a purchase made before the exposure or after the window', async () => {
      await running();
      await store.recordImpression(impression('r1', { atMs: T0 }));
      const before = await store.recordPurchase(purchase('p-before', T0 - 1));
      const after = await store.recordPurchase(purchase('p-after', T0 + 24 * HOUR + 1));
      const atEdge = await store.recordPurchase(purchase('p-edge', T0 + 24 * HOUR));
      expect(before).toMatchObject({ experiments: [] });
      expect(after).toMatchObject({ experiments: [] });
      expect(atEdge).toMatchObject({ experiments: [{ arm: 'gru' }] });
      expect((await store.readCounters('exp-1'))['gru']).toMatchObject({
        convertedUsers: 1,
        purchases: 1,
      });
    });

    it('attributes to every running experiment the user saw, but not to stopped ones', async () => {
      await running();
      await running({ id: 'exp-2' });
      await running({ id: 'exp-3' });
      await store.recordImpression(impression('r1'));
      await store.recordImpression(impression('r2', { experimentId: 'exp-2', arm: 'control' }));
      await store.recordImpression(impression('r3', { experimentId: 'exp-3' }));
      await store.setStatus('exp-3', 'stopped');
      const outcome = await store.recordPurchase(purchase('p1', T0 + HOUR));
      expect(outcome).toMatchObject({
        experiments: expect.arrayContaining([
          { experimentId: 'exp-1', arm: 'gru', newConversion: true },
          { experimentId: 'exp-2', arm: 'control', newConversion: true },
        ]),
      });
      expect(outcome.status === 'recorded' && outcome.experiments).toHaveLength(2);
      expect(await store.readCounters('exp-3')).toEqual({
        gru: expect.objectContaining({ convertedUsers: 0 }),
      });
    });

    it('honours a shorter attribution window from the settings', async () => {
      await redis.disconnect();
      await connect({ attributionWindowMs: HOUR });
      await running();
      await store.recordImpression(impression('r1'));
      expect(await store.recordPurchase(purchase('p1', T0 + 2 * HOUR))).toMatchObject({
        experiments: [],
      });
      expect(await store.recordPurchase(purchase('p2', T0 + HOUR))).toMatchObject({
        experiments: [{ arm: 'gru' }],
      });
    });

    it('gives counters that feed the report and the promotion decision', async () => {
      await running();
      for (let index = 0; index < 40; index += 1) {
        const arm = index % 2 === 0 ? 'control' : 'gru';
        const requestId = `r${index}`;
        await store.recordImpression(impression(requestId, { arm, userKey: `u_${index}` }));
        if (arm === 'gru' || index % 8 === 0) {
          await store.recordClick({ eventId: `c${index}`, requestId, itemId: 'i1', userKey: '' });
        }
      }
      const experiment = (await store.get('exp-1'))!;
      const report = buildReport(experiment, await store.readCounters('exp-1'));
      expect(report.arms.map((arm) => arm.counters.clicks)).toEqual([5, 20]);
      expect(report.comparisons[0]!.ctr.significant).toBe(true);
      expect(decidePromotion(report, experiment.guardrails).action).toBe('keep');
    });
  });

  describe('offers', () => {
    it('counts decisions once per user and conversions per group and propensity bucket', async () => {
      const decision = (userKey: string, group: 'treatment' | 'holdout', bucket: number) =>
        store.recordOfferDecision({
          campaignId: 'spring',
          userKey,
          group,
          propensityBucket: bucket,
          atMs: T0,
        });
      expect(await decision('u_1', 'treatment', 3)).toEqual({ status: 'recorded' });
      expect(await decision('u_1', 'holdout', 4)).toEqual({
        status: 'duplicate',
        group: 'treatment',
        propensityBucket: 3,
      });
      await decision('u_2', 'treatment', 3);
      await decision('u_3', 'holdout', 3);
      await decision('u_4', 'holdout', 7);
      const buy = (eventId: string, userKey: string, atMs: number) =>
        store.recordPurchase({ eventId, userKey, revenue: 10, atMs });
      expect(await buy('p1', 'u_1', T0 + HOUR)).toEqual({
        status: 'recorded',
        experiments: [],
        offers: [{ campaignId: 'spring', group: 'treatment', newConversion: true }],
      });
      await buy('p2', 'u_1', T0 + 2 * HOUR);
      await buy('p3', 'u_3', T0 + HOUR);
      await buy('p4', 'u_4', T0 + 15 * 24 * HOUR); // after the 14-day offer window
      const counts = await store.readOfferCounts('spring');
      expect(counts.groups).toEqual({
        treatment: { users: 2, convertedUsers: 1, purchases: 2, revenue: 20 },
        holdout: { users: 2, convertedUsers: 1, purchases: 1, revenue: 10 },
      });
      expect(counts.buckets).toEqual([
        { bucket: 3, treated: { users: 2, converted: 1 }, control: { users: 1, converted: 1 } },
        { bucket: 7, treated: { users: 0, converted: 0 }, control: { users: 1, converted: 0 } },
      ]);
      const model = estimateUpliftModel({ outcomes: counts.buckets });
      expect(model.buckets[3]!.observedUplift).toBeCloseTo(-0.5, 12);
      expect(model.buckets[7]!.weight).toBe(0);
    });
  });

  it('keeps every key under the connection prefix and the exp:v1: root, with TTLs on the per-event ones', async () => {
    await running();
    await store.recordImpression(impression('r1'));
    await store.recordClick({ eventId: 'c1', requestId: 'r1', itemId: 'i1', userKey: 'u_1' });
    await store.recordPurchase({ eventId: 'p1', userKey: 'u_1', revenue: 1, atMs: T0 + 1 });
    const keys = (await redis.scanKeys('*')).sort();
    expect(keys.every((key) => key.startsWith(experimentKeys.root))).toBe(true);
    expect(keys).toEqual(
      [
        experimentKeys.definitions(),
        experimentKeys.running(),
        experimentKeys.counters('exp-1'),
        experimentKeys.exposedUsers('exp-1', 'gru'),
        experimentKeys.convertedUsers('exp-1', 'gru'),
        experimentKeys.request('r1'),
        experimentKeys.seen('c1'),
        experimentKeys.seen('p1'),
        experimentKeys.userExposures('u_1'),
      ].sort(),
    );
    for (const key of [
      experimentKeys.request('r1'),
      experimentKeys.seen('c1'),
      experimentKeys.userExposures('u_1'),
    ]) {
      expect(await redis.client.pttl(key)).toBeGreaterThan(0);
    }
  });
});
