/**
 * The collector as a storefront sees it: real HTTP on a real port, real Kafka and Redis underneath. What
 * it wrote is read back from the broker with a separate plain kafkajs consumer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { physicalTopicName, type DeadLetterV1, type StorefrontEvent } from '@recsys/contracts';
import { pseudonymiseSessionId, pseudonymiseUserId } from '@recsys/features';
import { KafkaClient, KafkaPublisher } from '@recsys/kafka';
import { createHttpApp } from '@recsys/platform';
import {
  integrationEnvironment,
  readTopic,
  serviceEnv,
  testNamespace,
  type TestNamespace,
} from '@recsys/testing';
import { loadCollectorConfig } from '../src/config';
import { collectorService } from '../src/service';

const FIXTURES = join(__dirname, '../../../libs/contracts/src/__fixtures__/valid');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.v1.json`), 'utf8')) as Record<string, unknown>;

const SECRET = 'integration-pseudonymisation-secret';
const SHOP_KEY = 'shop-1-write-key-0123456789';
const SERVER_KEY = 'backend-write-key-0123456789';
const SHOP_ORIGIN = 'https://shop.example';
const WRITE_KEYS = [
  { storefront: 'shop-1', key: SHOP_KEY, allowedOrigins: [SHOP_ORIGIN] },
  { storefront: 'backend', key: SERVER_KEY },
];
const pseudonym = (userId: string) => pseudonymiseUserId(SECRET, userId);

const environment = integrationEnvironment();

interface RunningCollector {
  app: NestFastifyApplication;
  baseUrl: string;
}

async function startCollector(
  namespace: TestNamespace,
  overrides: Record<string, string | undefined> = {},
): Promise<RunningCollector> {
  const config = loadCollectorConfig({
    ...serviceEnv(environment, namespace),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    COLLECTOR_MAX_BODY_BYTES: '65536',
    COLLECTOR_PSEUDONYMISATION_SECRET: SECRET,
    COLLECTOR_WRITE_KEYS: JSON.stringify(WRITE_KEYS),
    KAFKA_TOPIC_PARTITIONS: '2',
    ...overrides,
  });
  const app = await createHttpApp(collectorService, config);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, baseUrl: await app.getUrl() };
}

function poster(baseUrl: string) {
  return (
    path: '/v1/events' | '/v1/items',
    body: string | object,
    headers: Record<string, string> = { 'x-write-key': SERVER_KEY },
  ) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
}

const errorCodeOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

/**
 * The value of one series in the Prometheus text (0 while it does not exist yet). Labels are compared as
 * a set: prom-client orders default labels differently for counters and histograms.
 */
async function metricValue(
  baseUrl: string,
  series: { name: string; labels: Record<string, string> },
): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const wanted = { service: 'collector', ...series.labels };
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== series.name) continue;
    const labels: Record<string, string> = Object.fromEntries(
      [...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    const same =
      Object.keys(labels).length === Object.keys(wanted).length &&
      Object.entries(wanted).every(([name, value]) => labels[name] === value);
    if (same) return Number(match[3]);
  }
  return 0;
}

describe('collector over HTTP on a real broker', () => {
  const namespace = testNamespace('collector');
  const rawTopic = physicalTopicName('events.raw.v1', namespace.topicPrefix);
  const dlqTopic = physicalTopicName('events.dlq.v1', namespace.topicPrefix);
  const catalogTopic = physicalTopicName('catalog.items.v1', namespace.topicPrefix);
  let collector: RunningCollector;
  let post: ReturnType<typeof poster>;

  beforeAll(async () => {
    collector = await startCollector(namespace);
    post = poster(collector.baseUrl);
  });

  afterAll(async () => {
    await collector.app.close();
  });

  it('accepts one event with 202 and writes it keyed by the pseudonymised user, never the raw id', async () => {
    const event = fixture('product-view');
    const response = await post('/v1/events', event);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1, rejected: [] });

    const [record] = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: rawTopic,
      count: 1,
    });
    expect(record!.key).toBe(pseudonym('u-1001'));
    const written = record!.json as StorefrontEvent;
    expect(written).toEqual({
      ...event,
      userId: pseudonym('u-1001'),
      sessionId: pseudonymiseSessionId(SECRET, event['sessionId'] as string),
      receivedAt: expect.any(String),
    });
    expect(record!.value).not.toContain('u-1001');
    expect(Date.parse(written.receivedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(record!.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: 'evt-0002',
      ce_type: 'io.recsys.event.product_view.v1',
      ce_time: event['timestamp'],
      'content-type': 'application/json',
    });
    expect(record!.headers['ce_source']).toMatch(/collector/);
  });

  it('accepts the valid part of a batch, reports the invalid part, and dead-letters it pseudonymised', async () => {
    const bad = { ...fixture('add-to-cart'), eventId: 'evt-neg', price: -1 };
    const response = await post('/v1/events', {
      events: [fixture('search'), bad, fixture('purchase')],
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as {
      accepted: number;
      rejected: Array<Record<string, unknown>>;
    };
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([
      expect.objectContaining({
        index: 1,
        eventId: 'evt-neg',
        code: 'EVENT_INVALID',
        reason: 'schema_violation',
      }),
    ]);

    const raw = await readTopic({ brokers: environment.kafkaBrokers, topic: rawTopic, count: 3 });
    expect(raw.map((record) => (record.json as StorefrontEvent).eventId).sort()).toEqual([
      'evt-0002',
      'evt-0003',
      'evt-0006',
    ]);
    const [deadLetter] = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: dlqTopic,
      count: 1,
    });
    expect(deadLetter!.key).toBe(pseudonym('u-1001'));
    expect(deadLetter!.json as DeadLetterV1).toMatchObject({
      reason: 'schema_violation',
      eventId: 'evt-neg',
      issues: [expect.objectContaining({ path: 'price' })],
    });
    expect(deadLetter!.value).not.toContain('u-1001');
    expect(JSON.parse((deadLetter!.json as DeadLetterV1).payload)).toMatchObject({
      userId: pseudonym('u-1001'),
    });
  });

  it('answers 400 with every reason when no event in the request is valid', async () => {
    const response = await post('/v1/events', [
      { eventType: 'page_view' },
      { ...fixture('rating'), rating: 9 },
    ]);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string }; rejected: unknown[] };
    expect(body.error.code).toBe('EVENT_INVALID');
    expect(body.rejected).toHaveLength(2);
  });

  it('answers 400 PAYLOAD_NOT_JSON to a body that is not JSON', async () => {
    const response = await post('/v1/events', '{"eventId": ');
    expect(response.status).toBe(400);
    expect(await errorCodeOf(response)).toBe('PAYLOAD_NOT_JSON');
  });

  it('answers 413 to a body over the configured limit', async () => {
    const events = Array.from({ length: 200 }, (_, index) => ({
      ...fixture('review'),
      eventId: `evt-big-${index}`,
    }));
    const response = await post('/v1/events', { events });
    expect(response.status).toBe(413);
    expect(await errorCodeOf(response)).toBe('BATCH_TOO_LARGE');
  });

  it('upserts catalogue items to the compacted catalog.items.v1 keyed by itemId, dead-lettering bad ones', async () => {
    const item = fixture('item-upserted');
    const second = { ...item, itemId: 'sku-2', title: 'Second item' };
    const bad = { ...item, itemId: 'sku-bad', categoryPath: [] };
    const response = await post('/v1/items', { items: [item, bad, second] });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      accepted: 2,
      rejected: [
        expect.objectContaining({
          index: 1,
          itemId: 'sku-bad',
          code: 'ITEM_INVALID',
          reason: 'schema_violation',
        }),
      ],
    });

    const records = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: catalogTopic,
      count: 2,
    });
    const byKey = Object.fromEntries(records.map((record) => [record.key, record.json]));
    expect(byKey).toEqual({ 'sku-1': item, 'sku-2': second });
    // After the event dead letters of the earlier tests (1 + 2).
    const dlq = await readTopic({ brokers: environment.kafkaBrokers, topic: dlqTopic, count: 4 });
    expect(dlq.map((record) => record.key)).toContain('sku-bad');

    const admin = collector.app.get(KafkaClient).kafka.admin();
    await admin.connect();
    try {
      // 2 = ConfigResourceTypes.TOPIC (the enum lives in kafkajs, which apps do not import).
      const described = await admin.describeConfigs({
        resources: [{ type: 2, name: catalogTopic, configNames: ['cleanup.policy'] }],
        includeSynonyms: false,
      });
      expect(described.resources[0]!.configEntries[0]).toMatchObject({
        configName: 'cleanup.policy',
        configValue: 'compact',
      });
    } finally {
      await admin.disconnect();
    }
  });

  it('answers 400 ITEM_INVALID when no item is valid, and accepts a single item object', async () => {
    const invalid = await post('/v1/items', [{ itemId: 'x' }]);
    expect(invalid.status).toBe(400);
    expect(await errorCodeOf(invalid)).toBe('ITEM_INVALID');
    const single = await post('/v1/items', { ...fixture('item-upserted'), itemId: 'sku-3' });
    expect(single.status).toBe(202);
  });

  it.each([
    ['no write key', {}],
    ['an unknown write key', { 'x-write-key': 'not-a-known-key-0000' }],
  ])(
    'answers 401 UNAUTHORIZED to a request with %s, before reading the body',
    async (_case, headers) => {
      const response = await post('/v1/events', 'this body is never parsed', headers);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('UNAUTHORIZED');
      expect(JSON.stringify(body)).not.toContain('not-a-known-key');
    },
  );

  it('answers 403 ORIGIN_NOT_ALLOWED when a browser uses a key from an origin it does not allow', async () => {
    const foreign = await post('/v1/events', fixture('share'), {
      'x-write-key': SHOP_KEY,
      origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    expect(await errorCodeOf(foreign)).toBe('ORIGIN_NOT_ALLOWED');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const serverKeyFromBrowser = await post('/v1/events', fixture('share'), {
      'x-write-key': SERVER_KEY,
      origin: SHOP_ORIGIN,
    });
    expect(serverKeyFromBrowser.status).toBe(403);
  });

  it('answers a CORS preflight from an allowed origin, allowing the write-key header', async () => {
    const preflight = (origin: string) =>
      fetch(`${collector.baseUrl}/v1/events`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-write-key',
        },
      });
    const allowed = await preflight(SHOP_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type, x-write-key');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');

    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('accepts a browser request from an allowed origin and lets the page read the answer', async () => {
    const response = await post('/v1/events', fixture('share'), {
      'x-write-key': SHOP_KEY,
      origin: SHOP_ORIGIN,
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
  });

  it('serves health, metrics and the API document without a key', async () => {
    expect((await fetch(`${collector.baseUrl}/health/live`)).status).toBe(200);
    expect((await fetch(`${collector.baseUrl}/metrics`)).status).toBe(200);
    const docs = await fetch(`${collector.baseUrl}/docs/openapi.json`);
    expect(docs.status).toBe(200);
    const document = (await docs.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/health/live',
      '/health/ready',
      '/metrics',
      '/v1/events',
      '/v1/items',
    ]);
  });

  it('moves its Prometheus metrics with the requests it serves', async () => {
    const series = {
      accepted: { name: 'collector_events_accepted_total', labels: { event_type: 'page_view' } },
      rejected: { name: 'collector_events_rejected_total', labels: { reason: 'schema_violation' } },
      items: { name: 'collector_items_accepted_total', labels: {} },
      refused: { name: 'collector_requests_refused_total', labels: { code: 'UNAUTHORIZED' } },
      requests: {
        name: 'http_request_duration_seconds_count',
        labels: { method: 'POST', route: '/v1/events', status_code: '202' },
      },
      publishes: {
        name: 'collector_kafka_publish_duration_seconds_count',
        labels: { topic: 'events.raw.v1', outcome: 'ok' },
      },
    };
    const before = Object.fromEntries(
      await Promise.all(
        Object.entries(series).map(
          async ([name, line]) => [name, await metricValue(collector.baseUrl, line)] as const,
        ),
      ),
    );
    await post('/v1/events', [fixture('page-view'), fixture('page-view'), { eventType: 'x' }]);
    await post('/v1/items', fixture('item-upserted'));
    await post('/v1/events', fixture('page-view'), {});

    const after = async (name: keyof typeof series) =>
      (await metricValue(collector.baseUrl, series[name])) - before[name]!;
    expect(await after('accepted')).toBe(2);
    expect(await after('rejected')).toBe(1);
    expect(await after('items')).toBe(1);
    expect(await after('refused')).toBe(1);
    expect(await after('requests')).toBe(1);
    expect(await after('publishes')).toBe(1);
    const text = await (await fetch(`${collector.baseUrl}/metrics`)).text();
    expect(text).toContain('process_resident_memory_bytes{service="collector"}');
  });

  it('reports live and ready with Kafka and Redis up', async () => {
    const ready = await fetch(`${collector.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { kafka: 'up', redis: 'up' },
    });
  });

  it('answers 503 with Retry-After, never 202, when Kafka cannot take the events', async () => {
    await collector.app.get(KafkaPublisher).disconnect();
    const response = await post('/v1/events', fixture('share'));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(
      ((await response.json()) as { error: { code: string; retriable: boolean } }).error,
    ).toMatchObject({
      code: 'KAFKA_UNAVAILABLE',
      retriable: true,
    });
    expect((await fetch(`${collector.baseUrl}/health/ready`)).status).toBe(503);
  });
});

describe('collector rate limits shared by replicas through Redis', () => {
  const namespace = testNamespace('collector-limits');
  const limits = {
    COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND: '5',
    COLLECTOR_MAX_BATCH_EVENTS: '5',
    COLLECTOR_MAX_BATCH_ITEMS: '5',
  };
  let replicas: RunningCollector[];

  beforeAll(async () => {
    // Like production, where a job creates the topics: only the first replica creates them.
    const first = await startCollector(namespace, limits);
    replicas = [
      first,
      await startCollector(namespace, { ...limits, KAFKA_CREATE_TOPICS: 'false' }),
    ];
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.app.close()));
  });

  it('answers 429 with Retry-After once a storefront spent its budget on any replica', async () => {
    const [first, second] = replicas.map((replica) => poster(replica.baseUrl));
    const events = Array.from({ length: 5 }, (_, index) => ({
      ...fixture('page-view'),
      eventId: `evt-limit-${index}`,
    }));
    const spent = await first!('/v1/events', events, { 'x-write-key': SHOP_KEY });
    expect(spent.status).toBe(202);

    const refused = await second!('/v1/events', fixture('page-view'), { 'x-write-key': SHOP_KEY });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    const body = (await refused.json()) as { error: { code: string; retriable: boolean } };
    expect(body.error).toMatchObject({ code: 'RATE_LIMITED', retriable: true });

    const items = await first!('/v1/items', fixture('item-upserted'), { 'x-write-key': SHOP_KEY });
    expect(items.status).toBe(429);
    expect(
      await metricValue(replicas[1]!.baseUrl, {
        name: 'collector_requests_rate_limited_total',
        labels: { storefront: 'shop-1' },
      }),
    ).toBe(1);
  });

  it('keeps each storefront to its own budget', async () => {
    const response = await poster(replicas[1]!.baseUrl)('/v1/events', fixture('page-view'), {
      'x-write-key': SERVER_KEY,
    });
    expect(response.status).toBe(202);
  });

  it('admits the storefront again once the window has slid on', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const response = await poster(replicas[0]!.baseUrl)('/v1/events', fixture('page-view'), {
      'x-write-key': SHOP_KEY,
    });
    expect(response.status).toBe(202);
  });
});

describe('collector without Redis, authentication disabled (local development)', () => {
  const namespace = testNamespace('collector-open');
  let collector: RunningCollector;

  beforeAll(async () => {
    collector = await startCollector(namespace, {
      COLLECTOR_WRITE_KEYS: undefined,
      COLLECTOR_AUTH_DISABLED: 'true',
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_CONNECT_TIMEOUT_MS: '200',
      COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND: '5',
      COLLECTOR_MAX_BATCH_EVENTS: '5',
      COLLECTOR_MAX_BATCH_ITEMS: '5',
      LOG_LEVEL: 'error',
    });
  });

  afterAll(async () => {
    await collector.app.close();
  });

  it('starts, takes events without a key, and fails open on rate limits, counting the bypass', async () => {
    const post = poster(collector.baseUrl);
    const bypassed = {
      name: 'collector_rate_limit_bypassed_total',
      labels: { reason: 'redis_unavailable' },
    };
    const events = Array.from({ length: 5 }, () => fixture('page-view'));
    for (let request = 0; request < 3; request += 1) {
      const response = await post('/v1/events', events, { origin: 'https://any.example' });
      expect(response.status).toBe(202);
    }
    expect(await metricValue(collector.baseUrl, bypassed)).toBe(3);
  });

  it('reports Redis down but stays ready: ingestion does not depend on it', async () => {
    const ready = await fetch(`${collector.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { kafka: 'up', redis: 'down' },
    });
  });
});
