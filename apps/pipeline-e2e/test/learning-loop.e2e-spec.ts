/**
 * The whole loop, black box, on real Kafka and Redis with every service in its own process: a synthetic
 * storefront's events → collector → preprocessor (features, training examples) → trainer (trains,
 * evaluates, promotes, announces) → scorer (hot-reloads; recommends) → shoppers click and buy what they
 * like (the generator's ground truth decides) → impressions, clicks and purchases come back through the
 * collector → the A/B report attributes them per arm, and the clicks' shown-but-not-clicked items come
 * back to the trainer as negatives.
 */
import type { StorefrontEvent } from '@recsys/contracts';
import { SeededRandom, generateStorefront, replayRecords } from '@recsys/datasets';
import { FeatureStore, RedisConnection } from '@recsys/feature-store';
import {
  buildServices,
  integrationEnvironment,
  serviceEnv,
  startServiceProcess,
  testNamespace,
  waitFor,
  type ServiceProcess,
} from '@recsys/testing';

const SECRET = 'e2e-loop-pseudonymisation-secret';
const WRITE_KEY = 'e2e-loop-write-key-0123456789';
const ADMIN = 'e2e-loop-admin-token-0123456789';
const DAY_MS = 86_400_000;

interface Served {
  requestId: string;
  modelVersion: string;
  arm: string;
  experimentId?: string;
  personalized: boolean;
  items: Array<{ itemId: string; explanation?: string; source?: string }>;
}

const storefront = generateStorefront({
  seed: 11,
  users: 150,
  items: 300,
  categories: 12,
  days: 6,
  sessionsPerUserPerDay: 1.5,
  loggedOutShare: 0,
  startTime: new Date(Date.now() - 6 * DAY_MS - 3_600_000).toISOString(),
});

describe('the learning loop: events → features → model → recommendations → feedback → A/B report', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('e2e-loop');
  const shared = { ...serviceEnv(environment, namespace), LOG_LEVEL: 'warn', ADMIN_TOKEN: ADMIN };
  const redis = new RedisConnection({
    url: environment.redisUrl,
    keyPrefix: namespace.redisKeyPrefix,
    connectTimeoutMs: 2_000,
  });
  const store = new FeatureStore(redis);
  const services: Partial<
    Record<'collector' | 'preprocessor' | 'trainer' | 'scorer', ServiceProcess>
  > = {};
  const url = (name: keyof typeof services) => services[name]!.url;

  beforeAll(async () => {
    await buildServices(['collector', 'preprocessor', 'trainer', 'scorer']);
    await redis.connect();
    // One after the other, as a deployment's topic job would have created the topics first.
    const starts = [
      () =>
        startServiceProcess({
          name: 'collector',
          env: {
            ...shared,
            COLLECTOR_WRITE_KEYS: JSON.stringify([
              { storefront: 'e2e', key: WRITE_KEY, allowedOrigins: [] },
            ]),
            COLLECTOR_PSEUDONYMISATION_SECRET: SECRET,
            COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND: '1000000',
          },
        }),
      () =>
        startServiceProcess({
          name: 'preprocessor',
          // A storefront's history replayed at once is not late data: don't flag it as such.
          env: {
            ...shared,
            FEATURE_NEGATIVE_SAMPLES: '3',
            PREPROCESSOR_LATE_AFTER_SECONDS: '2592000',
          },
        }),
      () =>
        startServiceProcess({
          name: 'trainer',
          env: {
            ...shared,
            TRAINER_MIN_EXAMPLES: '500',
            // Trained on demand below, so the test knows when.
            TRAINER_RETRAIN_AFTER_EXAMPLES: '10000000',
            TRAINER_RETRAIN_INTERVAL_SECONDS: '604800',
            TRAINER_EPOCHS: '4',
            TRAINER_EMBEDDING_DIM: '16',
          },
          readyTimeoutMs: 60_000,
        }),
      () =>
        startServiceProcess({
          name: 'scorer',
          env: {
            ...shared,
            SCORER_PSEUDONYMISATION_SECRET: SECRET,
            SCORER_EXPERIMENTS_REFRESH_MS: '300',
            SCORER_RANKER_TIMEOUT_MS: '2000',
          },
          readyTimeoutMs: 60_000,
        }),
    ];
    for (const start of starts) {
      const service = await start();
      services[service.name] = service;
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all(Object.values(services).map((service) => service?.stop()));
    await redis.disconnect();
  });

  async function json<T>(path: string, init: RequestInit & { service: keyof typeof services }) {
    const response = await fetch(`${url(init.service)}${path}`, init);
    const body = (await response.json()) as T;
    if (!response.ok)
      throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  }

  const admin = { authorization: `Bearer ${ADMIN}` };
  const adminJson = { ...admin, 'content-type': 'application/json' };

  async function postEvents(events: StorefrontEvent[]): Promise<void> {
    const response = await fetch(`${url('collector')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': WRITE_KEY },
      body: JSON.stringify({ events }),
    });
    expect(response.status).toBe(202);
  }

  async function windowExamples(): Promise<number> {
    const listing = await json<{ window: { examples: number } }>('/v1/models', {
      service: 'trainer',
    });
    return listing.window.examples;
  }

  /** Waits until the number stops growing for a while (the pipeline drained). */
  async function settled(read: () => Promise<number>, description: string): Promise<number> {
    let last = -1;
    let stableSince = Date.now();
    return waitFor(
      async () => {
        const value = await read();
        if (value !== last) {
          last = value;
          stableSince = Date.now();
          return undefined;
        }
        return Date.now() - stableSince > 3_000 && value > 0 ? value : undefined;
      },
      { description, timeoutMs: 180_000, intervalMs: 500 },
    );
  }

  const recommendFor = (userId: string, placement?: string) =>
    json<Served>(
      `/v1/recommendations/${encodeURIComponent(userId)}?k=10${placement ? `&placement=${placement}` : ''}`,
      { service: 'scorer' },
    );

  const meanAffinity = (userId: string, itemIds: readonly string[]) =>
    itemIds.reduce(
      (sum, itemId) => sum + (storefront.groundTruth.affinity(userId, itemId) ?? 0),
      0,
    ) / Math.max(1, itemIds.length);

  let version = '';

  it('learns a model from the storefront and serves recommendations that match the shoppers’ tastes', async () => {
    const replay = await replayRecords({
      collectorUrl: url('collector'),
      records: storefront.records(),
      writeKey: WRITE_KEY,
      batchSize: 300,
    });
    expect(replay.events.rejected).toBe(0);
    const examples = await settled(windowExamples, 'training window filled');
    expect(examples).toBeGreaterThan(2_000);

    const run = await json<{
      status: string;
      version: string;
      challenger: { auc: number };
      baseline: { auc: number };
    }>('/v1/models/train', { service: 'trainer', method: 'POST', headers: admin });
    expect(run.status).toBe('promoted');
    expect(run.challenger.auc).toBeGreaterThan(run.baseline.auc);
    version = run.version;

    // The scorer hot-reloads the announced champion.
    const shopper = storefront.users[0]!.userId;
    await waitFor(
      async () => ((await recommendFor(shopper)).modelVersion === version ? true : undefined),
      {
        description: `scorer serving ${version}`,
        timeoutMs: 60_000,
        intervalMs: 250,
      },
    );

    const popular = (await store.popular(10)).map((entry) => entry.itemId);
    let model = 0;
    let popularity = 0;
    let personalised = 0;
    let degraded = 0;
    for (const user of storefront.users.slice(0, 100)) {
      const served = await recommendFor(user.userId);
      expect(served.items).toHaveLength(10);
      expect(served.items.every((item) => (item.explanation ?? '').length > 0)).toBe(true);
      // Shoppers the simulation never brought to the store are cold starts: not comparable.
      if (!served.personalized) continue;
      personalised += 1;
      if (served.modelVersion !== version) degraded += 1;
      model += meanAffinity(
        user.userId,
        served.items.map((item) => item.itemId),
      );
      popularity += meanAffinity(user.userId, popular);
    }
    process.stdout.write(
      `ground-truth affinity of top-10 over ${personalised} shoppers: model ` +
        `${(model / personalised).toFixed(4)}, popularity ${(popularity / personalised).toFixed(4)}` +
        ` (${degraded} answers degraded to the sources' order)\n`,
    );
    expect(personalised).toBeGreaterThanOrEqual(50);
    expect(model / personalised).toBeGreaterThan((popularity / personalised) * 1.1);
  });

  it('serves a cold-start shopper a non-personalised list, and an opted-out shopper too', async () => {
    const cold = await recommendFor('never-seen-before');
    expect(cold.personalized).toBe(false);
    expect(cold.items.length).toBeGreaterThan(0);
    const optedOut = await json<Served>(
      `/v1/recommendations/${storefront.users[1]!.userId}?k=10&personalization=false`,
      { service: 'scorer' },
    );
    expect(optedOut.personalized).toBe(false);
  });

  it('runs an A/B test: impressions, clicks and purchases come back and are attributed per arm', async () => {
    const experiment = {
      id: 'loop-ab',
      description: 'champion model against popularity',
      status: 'running',
      arms: [
        { name: 'popularity', share: 0.5, strategy: { kind: 'popularity' } },
        { name: 'model', share: 0.5, strategy: { kind: 'model', modelVersion: 'champion' } },
      ],
      controlArm: 'popularity',
      placements: ['home'],
      primaryMetric: 'ctr',
      guardrails: {
        minImpressionsPerArm: 50,
        minUsersPerArm: 20,
        maxConversionDrop: 0.5,
        alpha: 0.05,
      },
      autoPromote: false,
      startedAt: new Date().toISOString(),
    };
    await json('/v1/experiments/loop-ab', {
      service: 'scorer',
      method: 'PUT',
      headers: adminJson,
      body: JSON.stringify(experiment),
    });
    const examplesBefore = await windowExamples();

    const random = new SeededRandom(5);
    const expected: Record<string, { impressions: number; clicks: number }> = {
      model: { impressions: 0, clicks: 0 },
      popularity: { impressions: 0, clicks: 0 },
    };
    const feedback: StorefrontEvent[] = [];
    for (let round = 0; round < 3; round += 1) {
      for (const user of storefront.users) {
        const served = await recommendFor(user.userId, 'home');
        expect(served.experimentId).toBe('loop-ab');
        const tally = expected[served.arm]!;
        tally.impressions += 1;
        // The shopper clicks at most one item: the first, top down, that their taste picks.
        const clicked = served.items.findIndex(
          (item, position) =>
            random.next() <
            Math.pow(storefront.groundTruth.affinity(user.userId, item.itemId) ?? 0, 2) /
              (1 + position * 0.3),
        );
        if (clicked < 0) continue;
        tally.clicks += 1;
        const itemId = served.items[clicked]!.itemId;
        const base = {
          schemaVersion: 1,
          userId: user.userId,
          sessionId: `ab-${user.userId}-${round}`,
          timestamp: new Date().toISOString(),
        };
        feedback.push({
          ...base,
          eventId: `click-${served.requestId}`,
          eventType: 'recommendation_click',
          requestId: served.requestId,
          itemId,
          position: clicked,
          arm: served.arm,
        } as StorefrontEvent);
        if (random.next() < 0.3)
          feedback.push({
            ...base,
            eventId: `buy-${served.requestId}`,
            eventType: 'purchase',
            orderId: `order-${served.requestId}`,
            currency: 'EUR',
            revenue: 20,
            items: [{ itemId, quantity: 1, price: 20 }],
          } as StorefrontEvent);
      }
    }
    for (let start = 0; start < feedback.length; start += 200)
      await postEvents(feedback.slice(start, start + 200));

    interface ArmSummary {
      arm: string;
      counters: { impressions: number; clicks: number; convertedUsers: number };
      ctr: { rate: number };
    }
    const report = await waitFor(
      async () => {
        const current = await json<{
          report: { arms: ArmSummary[] };
          decision: { action: string };
        }>('/v1/experiments/loop-ab/report', { service: 'scorer' });
        const counted = Object.fromEntries(
          current.report.arms.map((arm) => [
            arm.arm,
            { impressions: arm.counters.impressions, clicks: arm.counters.clicks },
          ]),
        );
        const same = Object.keys(expected).every(
          (arm) => JSON.stringify(counted[arm]) === JSON.stringify(expected[arm]),
        );
        return same ? current : undefined;
      },
      {
        description: `attribution to reach ${JSON.stringify(expected)}`,
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
    const ctr = Object.fromEntries(report.report.arms.map((arm) => [arm.arm, arm.ctr.rate]));
    process.stdout.write(
      `A/B CTR: ${JSON.stringify(ctr)}; decision ${JSON.stringify(report.decision)}\n`,
    );
    expect(report.report.arms.some((arm) => arm.counters.convertedUsers > 0)).toBe(true);
    expect(ctr['model']).toBeGreaterThan(ctr['popularity']!);

    // The clicks' shown-but-not-clicked items come back to the trainer as negatives.
    await waitFor(async () => ((await windowExamples()) > examplesBefore ? true : undefined), {
      description: 'feedback examples reaching the trainer',
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    const concluded = await json<{ decision: { action: string } }>(
      '/v1/experiments/loop-ab/conclude',
      {
        service: 'scorer',
        method: 'POST',
        headers: admin,
      },
    );
    expect(['promote', 'keep']).toContain(concluded.decision.action);
  });

  it('swaps in a newly promoted model while requests are in flight: none fails', async () => {
    const retrain = await json<{ version: string }>('/v1/models/train', {
      service: 'trainer',
      method: 'POST',
      headers: admin,
    });
    const shoppers = storefront.users.slice(0, 40).map((user) => user.userId);
    let stop = false;
    const answers: number[] = [];
    const traffic = (async () => {
      for (let index = 0; !stop; index += 1) {
        const response = await fetch(
          `${url('scorer')}/v1/recommendations/${shoppers[index % shoppers.length]}?k=10`,
        );
        answers.push(response.status);
        await response.arrayBuffer();
      }
    })();
    const answered = (count: number) => async () => (answers.length >= count ? true : undefined);
    await waitFor(answered(20), { description: 'traffic before the swap', timeoutMs: 30_000 });
    // Promoted by hand whether or not it beat the champion: the swap is what is tested here.
    await json(`/v1/models/${retrain.version}/promote`, {
      service: 'trainer',
      method: 'POST',
      headers: admin,
    });
    await waitFor(
      async () =>
        (await recommendFor(shoppers[0]!)).modelVersion === retrain.version ? true : undefined,
      { description: `scorer serving ${retrain.version}`, timeoutMs: 60_000, intervalMs: 200 },
    );
    const afterSwap = answers.length + 20;
    await waitFor(answered(afterSwap), {
      description: 'traffic after the swap',
      timeoutMs: 30_000,
    });
    stop = true;
    await traffic;
    expect(answers.length).toBeGreaterThanOrEqual(afterSwap);
    expect(answers.filter((status) => status !== 200)).toEqual([]);
  });

  it('chooses coupon recipients under a budget, holds some out, and logs the decisions', async () => {
    const userIds = storefront.users.map((user) => user.userId);
    const offers = await json<{
      recipients: Array<{ userId: string; propensity: number; uplift: number }>;
      holdout: Array<{ userId: string }>;
      expectedIncrementalConversions: number;
    }>('/v1/offers', {
      service: 'scorer',
      method: 'POST',
      headers: adminJson,
      body: JSON.stringify({
        campaignId: 'loop-coupon',
        userIds,
        budget: { maxCoupons: 20 },
        holdoutShare: 0.2,
      }),
    });
    expect(offers.recipients.length).toBe(20);
    expect(offers.expectedIncrementalConversions).toBeGreaterThan(0);
    const chosen = new Set([...offers.recipients, ...offers.holdout].map((entry) => entry.userId));
    expect(chosen.size).toBe(offers.recipients.length + offers.holdout.length);
    const outcomes = await json<{
      groups: { treatment: { users: number }; holdout: { users: number } };
    }>('/v1/offers/loop-coupon', { service: 'scorer' });
    expect(outcomes.groups.treatment.users).toBe(offers.recipients.length);
    expect(outcomes.groups.holdout.users).toBe(offers.holdout.length);
  });
});
