/**
 * The console's API in process, on the real broker and Redis: what it counts from the topics (events/s
 * per type, dead letters by reason, consumer lag of its own group), what it reads from the stores (the
 * preprocessor's ops stats, the model registry, experiments with their report, a user's features and
 * recent events), the scorer being away shown as a reason rather than a blank, the admin token, and the
 * page served with a strict Content-Security-Policy.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  experimentsV1Schema,
  headerNames,
  liveV1Schema,
  modelsV1Schema,
  userLookupV1Schema,
  type StorefrontEvent,
} from '@recsys/contracts';
import type { Experiment } from '@recsys/experiments';
import {
  ExperimentStore,
  FeatureStore,
  OpsStatsStore,
  RedisConnection,
  RedisModelRegistry,
} from '@recsys/feature-store';
import { pseudonymiseUserId, updatePlanOf } from '@recsys/features';
import { KafkaClient, KafkaPublisher, deadLetterMessage } from '@recsys/kafka';
import { createHttpApp } from '@recsys/platform';
import {
  freePort,
  integrationEnvironment,
  serviceEnv,
  testNamespace,
  waitFor,
} from '@recsys/testing';
import { CONSOLE_SERVICE_NAME, loadConsoleConfig } from '../src/config';
import { consoleService } from '../src/service';

const ADMIN = 'console-int-admin-token-0123456789';
const SECRET = 'console-int-pseudonymisation-secret';
const SHOPPER = 'shopper-42';
const SHOPPER_KEY = pseudonymiseUserId(SECRET, SHOPPER);
const NOW = Date.now();

let sequence = 0;
function productView(itemId: string): StorefrontEvent {
  sequence += 1;
  return {
    eventId: `view-${sequence}`,
    schemaVersion: 1,
    eventType: 'product_view',
    userId: SHOPPER_KEY,
    sessionId: 's-1',
    timestamp: new Date(NOW - 60_000 + sequence).toISOString(),
    itemId,
    price: 25,
    currency: 'EUR',
    categoryPath: ['Garden', 'Tools'],
  };
}

const experiment: Experiment = {
  id: 'home-ab',
  description: 'champion against popularity',
  status: 'running',
  arms: [
    { name: 'popularity', share: 0.5, strategy: { kind: 'popularity' } },
    { name: 'model', share: 0.5, strategy: { kind: 'model', modelVersion: 'champion' } },
  ],
  controlArm: 'popularity',
  placements: ['home'],
  primaryMetric: 'ctr',
  guardrails: { minImpressionsPerArm: 10, minUsersPerArm: 5, maxConversionDrop: 0.5, alpha: 0.05 },
  autoPromote: false,
  startedAt: new Date(NOW - 3_600_000).toISOString(),
};

describe('the console API on a real broker and Redis', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('console-api');
  let closedPort = 0;
  let app: NestFastifyApplication;
  let url = '';
  const env = () => ({
    ...serviceEnv(environment, namespace),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    KAFKA_TOPIC_PARTITIONS: '2',
    ADMIN_TOKEN: ADMIN,
    // Nothing listens there: the lookup must say the scorer is unreachable.
    SCORER_URL: `http://127.0.0.1:${closedPort}`,
    CONSOLE_SCORER_TIMEOUT_MS: '1000',
    CONSOLE_PSEUDONYMISATION_SECRET: SECRET,
  });
  const redis = new RedisConnection({
    url: environment.redisUrl,
    keyPrefix: namespace.redisKeyPrefix,
    connectTimeoutMs: 2_000,
  });
  let kafka: KafkaClient;
  let publisher: KafkaPublisher;

  beforeAll(async () => {
    closedPort = await freePort();
    const config = loadConsoleConfig(env());
    kafka = new KafkaClient(config.kafka);
    publisher = new KafkaPublisher(kafka);
    await redis.connect();
    app = await createHttpApp(consoleService, config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = await app.getUrl();
    await publisher.connect();
    await seedStores();
    await seedTopics();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await publisher?.disconnect();
    await redis.disconnect();
  });

  async function seedStores(): Promise<void> {
    const store = new FeatureStore(redis);
    const views = ['hammer', 'rake', 'hammer', 'spade'].map(productView);
    await store.apply({ plans: views.map((event) => ({ plan: updatePlanOf(event) })) });
    await store.upsertItem({
      schemaVersion: 1,
      itemId: 'spade',
      title: 'Steel spade',
      categoryPath: ['Garden', 'Tools'],
      price: 31.5,
      currency: 'EUR',
      availability: 'in_stock',
      updatedAt: new Date(NOW).toISOString(),
    });

    const registry = new RedisModelRegistry(redis, 'ranker');
    for (const [index, auc] of [0.71, 0.74].entries()) {
      const version = `ranker-v${index + 1}`;
      await registry.register({
        version,
        kind: 'sequence_ranker',
        createdAt: new Date(NOW - (2 - index) * 3_600_000).toISOString(),
        featureSpecVersion: 1,
        metrics: {
          auc,
          logLoss: 0.5 - index * 0.02,
          'ndcg@10': 0.3 + index * 0.05,
          'baseline.auc': 0.65,
        },
        status: 'candidate',
        trainingWindow: { fromMs: NOW - 86_400_000, toMs: NOW - 3_600_000, examples: 5_000 },
      });
      await registry.promote(version, index === 0 ? 'first_model' : 'beat_champion');
    }

    const experiments = new ExperimentStore(redis);
    await experiments.save(experiment);
    for (let user = 0; user < 40; user += 1) {
      const arm = user % 2 === 0 ? 'popularity' : 'model';
      const requestId = `req-${user}`;
      await experiments.recordImpression({
        eventId: `imp-${requestId}`,
        requestId,
        experimentId: 'home-ab',
        arm,
        userKey: `u-${user}`,
        itemIds: ['hammer', 'rake'],
        atMs: NOW - 60_000,
      });
      if (arm === 'model' || user % 4 === 0)
        await experiments.recordClick({
          eventId: `click-${requestId}`,
          requestId,
          itemId: 'hammer',
          userKey: `u-${user}`,
        });
    }

    await new OpsStatsStore(redis).writePreprocessor({
      instance: 'pp-a',
      startedAtMs: NOW - 600_000,
      updatedAtMs: Date.now(),
      eventsApplied: 1_234,
      deadLetters: 3,
      lastEventMs: NOW - 2_000,
      lastAppliedAtMs: NOW - 1_000,
      freshness: { p50Ms: 12, p99Ms: 48, samples: 900 },
      quality: {
        state: 'closed',
        crossed: ['invalid'],
        ratios: { invalid: 0.09, duplicate: 0, late: 0.01, unknown_item: 0 },
        thresholds: { invalid: 0.05, duplicate: 0.2, late: 0.1, unknown_item: 0.3 },
        minEvents: 100,
        eventsInWindow: 400,
        windowStartMs: NOW - 30_000,
        windowMs: 60_000,
      },
    });
  }

  /** Events as the collector writes them (CloudEvents headers) and dead letters as services do. */
  async function seedTopics(): Promise<void> {
    const events = [
      ...Array.from({ length: 30 }, (_, index) => productView(`item-${index % 5}`)),
      ...Array.from({ length: 6 }, () => ({
        ...productView('x'),
        eventType: 'search',
        query: 'rake',
      })),
    ] as StorefrontEvent[];
    await publisher.publish(
      'events.raw.v1',
      events.map((event) => ({
        key: SHOPPER_KEY,
        value: event,
        headers: {
          [headerNames.eventId]: event.eventId,
          [headerNames.eventType]: event.eventType,
          [headerNames.eventTime]: event.timestamp,
        },
      })),
    );
    await publisher.publish('events.dlq.v1', [
      deadLetterMessage({
        reason: 'schema_violation',
        code: 'EVENT_INVALID',
        message: 'eventType: invalid',
        service: 'collector',
        payload: '{"eventType":"nope"}',
      }),
      deadLetterMessage({
        reason: 'timestamp_out_of_range',
        code: 'EVENT_INVALID',
        message: 'in the future',
        service: 'preprocessor',
        payload: '{}',
      }),
      deadLetterMessage({
        reason: 'schema_violation',
        code: 'EVENT_INVALID',
        message: 'missing userId',
        service: 'collector',
        payload: '{}',
      }),
    ]);
  }

  /** `token` null: no Authorization header. */
  async function get(path: string, token: string | null = ADMIN): Promise<Response> {
    return fetch(`${url}${path}`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
  }

  async function getJson(path: string): Promise<unknown> {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    return response.json();
  }

  it('refuses the API without the admin token, and with a wrong one', async () => {
    expect((await get('/api/v1/live', null)).status).toBe(401);
    expect((await get('/api/v1/models', 'a-wrong-token-of-some-length')).status).toBe(401);
  });

  it('counts events per type and dead letters by service, reason and code from the topics', async () => {
    const live = await waitFor(
      async () => {
        const parsed = liveV1Schema.parse(await getJson('/api/v1/live?step=5'));
        if (parsed.events.status !== 'ok' || parsed.deadLetters.status !== 'ok') return undefined;
        const views = parsed.events.series.find((entry) => entry.eventType === 'product_view');
        return views?.total === 30 && parsed.deadLetters.total24Hours === 3 ? parsed : undefined;
      },
      { description: 'the tap to count the seeded topics', timeoutMs: 60_000, intervalMs: 500 },
    );
    if (live.events.status !== 'ok' || live.deadLetters.status !== 'ok')
      throw new Error('sections');
    expect(live.events.series.map((entry) => [entry.eventType, entry.total])).toEqual([
      ['product_view', 30],
      ['search', 6],
    ]);
    expect(live.events.stepSeconds).toBe(5);
    expect(live.deadLetters.entries).toEqual([
      expect.objectContaining({
        service: 'collector',
        reason: 'schema_violation',
        code: 'EVENT_INVALID',
        last24Hours: 2,
        lastMinute: 2,
      }),
      expect.objectContaining({
        service: 'preprocessor',
        reason: 'timestamp_out_of_range',
        last24Hours: 1,
      }),
    ]);
  });

  it('shows the quality gate and freshness the preprocessors report, and the consumer lag', async () => {
    const live = await waitFor(
      async () => {
        const parsed = liveV1Schema.parse(await getJson('/api/v1/live'));
        const lag = parsed.consumerLag;
        const own =
          lag.status === 'ok'
            ? lag.groups.find((group) => group.groupId.endsWith(`.${CONSOLE_SERVICE_NAME}`))
            : undefined;
        return own?.topics.some((topic) => topic.topic === 'events.raw.v1') ? parsed : undefined;
      },
      {
        description: "the console's own group in the lag listing",
        timeoutMs: 30_000,
        intervalMs: 1_000,
      },
    );
    if (live.pipeline.status !== 'ok' || live.consumerLag.status !== 'ok')
      throw new Error('sections');
    // Written without a judgement (as an older preprocessor does): judged from its counts.
    expect(live.pipeline.gate).toMatchObject({
      state: 'closed',
      judgement: 'over_threshold',
      metricJudgements: { invalid: 'over_threshold', late: 'ok' },
      crossed: ['invalid'],
      eventsInWindow: 400,
    });
    expect(live.pipeline.freshness).toEqual({ p50Ms: 12, p99Ms: 48, samples: 900 });
    expect(live.pipeline.instances).toEqual([
      expect.objectContaining({ instance: 'pp-a', eventsApplied: 1_234 }),
    ]);
    const own = live.consumerLag.groups.find(
      (group) => group.groupId === `${namespace.topicPrefix}.console`,
    )!;
    const events = own.topics.find((topic) => topic.topic === 'events.raw.v1')!;
    expect(events.partitions).toHaveLength(2);
    expect(events.lag).toBeGreaterThanOrEqual(0);
  });

  it('lists model versions oldest first with their metrics, the champion and the promotions', async () => {
    const models = modelsV1Schema.parse(await getJson('/api/v1/models'));
    expect(models.champion).toBe('ranker-v2');
    expect(
      models.versions.map((version) => [version.version, version.status, version.metrics['auc']]),
    ).toEqual([
      ['ranker-v1', 'retired', 0.71],
      ['ranker-v2', 'champion', 0.74],
    ]);
    expect(models.metricNames.slice(0, 3)).toEqual(['auc', 'logLoss', 'ndcg@10']);
    expect(models.promotions.map((entry) => [entry.version, entry.reason])).toEqual([
      ['ranker-v2', 'beat_champion'],
      ['ranker-v1', 'first_model'],
    ]);
  });

  it('reports every experiment per arm with intervals, the comparison with control and the decision', async () => {
    const { experiments } = experimentsV1Schema.parse(await getJson('/api/v1/experiments'));
    expect(experiments).toHaveLength(1);
    const [report] = experiments;
    const byArm = Object.fromEntries(report!.arms.map((arm) => [arm.arm, arm]));
    expect(byArm['model']).toMatchObject({
      impressions: 20,
      clicks: 20,
      strategy: 'model champion',
    });
    expect(byArm['popularity']).toMatchObject({ impressions: 20, clicks: 10, versusControl: null });
    expect(byArm['model']!.ctr.rate).toBe(1);
    expect(byArm['model']!.versusControl!.ctr.significant).toBe(true);
    expect(report!.decision.action).toMatch(/promote|keep/);
  });

  it('looks a shopper up by storefront id: features, recent items, events seen, and the scorer being away', async () => {
    const lookup = userLookupV1Schema.parse(await getJson(`/api/v1/users/${SHOPPER}?kind=user`));
    expect(lookup.userKey).toBe(SHOPPER_KEY);
    expect(lookup.found).toBe(true);
    expect(lookup.features.counts['view']).toBe(4);
    expect(lookup.features.categoryAffinity[0]).toEqual({ name: 'Garden > Tools', share: 1 });
    expect(lookup.sequence[0]).toEqual({
      itemId: 'spade',
      title: 'Steel spade',
      category: 'Garden > Tools',
      price: 31.5,
    });
    expect(lookup.recentEvents.length).toBeGreaterThan(0);
    expect(lookup.recentEvents[0]!.eventType).toMatch(/product_view|search/);
    expect(lookup.recommendedItems).toEqual([]);
    expect(lookup.recommendations).toMatchObject({
      status: 'unreachable',
      error: { code: 'SCORER_UNREACHABLE', httpStatus: null },
    });
    const byKey = userLookupV1Schema.parse(await getJson(`/api/v1/users/${SHOPPER_KEY}?kind=key`));
    expect(byKey.features.counts['view']).toBe(4);
    const unknown = userLookupV1Schema.parse(await getJson('/api/v1/users/nobody?kind=anonymous'));
    expect(unknown.found).toBe(false);
  });

  it('answers 400 for an invalid lookup', async () => {
    expect((await get('/api/v1/users/x?kind=nonsense')).status).toBe(400);
  });

  it('serves the page publicly with a strict Content-Security-Policy, plus health and metrics', async () => {
    const page = await get('/', null);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/assets/app.mjs"></script>');
    expect(html).not.toMatch(/<script>|style=/);
    const etag = page.headers.get('etag')!;
    expect((await fetch(`${url}/`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await get('/assets/console.css', null)).headers.get('content-type')).toContain(
      'text/css',
    );
    expect((await get('/assets/nope.js', null)).status).toBe(404);
    expect((await get('/health/ready', null)).status).toBe(200);
    expect(await (await get('/metrics', null)).text()).toContain('console_tapped_messages_total');
  });
});
