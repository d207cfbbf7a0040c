/**
 * Observability of the running platform, black box: the four services as their own processes, exporting
 * traces over OTLP/HTTP to a receiver in this test, logging JSON lines, exposing /metrics.
 *   - A trace started by the caller of the collector (`traceparent`) reaches the Kafka headers of the
 *     events, the preprocessor's spans, the training examples and the trainer's spans, and the scorer's
 *     attribution consumer; a scorer request's trace reaches the impression it logs.
 *   - Every log line is one JSON object with level, context and message, and none holds the shopper's
 *     id, session id, e-mail address or IP address the storefront sent.
 *   - Each service's /metrics has its series with values: events by type, rejects and dead letters by
 *     reason, the lag of each of its consumer groups, scorer latency and arms.
 *   - Every message any service wrote, on every topic, carries the full CloudEvents header set.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { physicalTopicName, topicNames } from '@recsys/contracts';
import { KafkaClient, KafkaPublisher } from '@recsys/kafka';
import {
  buildServices,
  integrationEnvironment,
  readAllRecords,
  readTopic,
  recordsWithoutCloudEventHeaders,
  serviceEnv,
  startServiceProcess,
  testKafkaConfig,
  testNamespace,
  waitFor,
  type ReadRecord,
  type ServiceProcess,
} from '@recsys/testing';

const SECRET = 'e2e-observability-pseudonymisation';
const WRITE_KEY = 'e2e-observability-write-key-0123';
const RUN = randomBytes(4).toString('hex');
/** What the storefront sends that must never reach a log line. */
const PERSONAL = {
  userId: `obs-shopper-${RUN}`,
  sessionId: `obs-session-${RUN}`,
  email: `obs.person.${RUN}@example.com`,
  ip: '203.0.113.77',
};
type Name = 'collector' | 'preprocessor' | 'trainer' | 'scorer';

interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  links: Array<{ traceId: string; spanId: string }>;
}

/** OTLP/JSON ids are hex; be lenient with base64 (the protobuf-JSON mapping). */
function hexId(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  return /^[0-9a-f]*$/.test(text) ? text : Buffer.from(text, 'base64').toString('hex');
}

interface OtlpBody {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans?: Array<{
      spans?: Array<{
        name: string;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        links?: Array<{ traceId: string; spanId: string }>;
      }>;
    }>;
  }>;
}

function spansOf(body: OtlpBody): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service =
      resourceSpans.resource?.attributes?.find((attribute) => attribute.key === 'service.name')
        ?.value.stringValue ?? '';
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        service,
        name: span.name,
        traceId: hexId(span.traceId),
        spanId: hexId(span.spanId),
        parentSpanId: hexId(span.parentSpanId ?? ''),
        links: (span.links ?? []).map((link) => ({
          traceId: hexId(link.traceId),
          spanId: hexId(link.spanId),
        })),
      })),
    );
  });
}

/** An OTLP/HTTP trace receiver: what the services export ends up in `spans`. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; server: Server }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces')
        spans.push(...spansOf(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, spans, server };
}

/** Every line a service writes, from its start on. */
function linesOf(service: ServiceProcess): () => string[] {
  let text = service.output();
  service.child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  service.child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return () => text.split('\n').filter((line) => line.trim() !== '');
}

/** The value of the first series of `name` whose labels include `labels` (undefined: none yet). */
async function metricValue(
  service: ServiceProcess,
  name: string,
  labels: Record<string, string | RegExp> = {},
): Promise<number | undefined> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1]!, pair[2]!]),
    );
    const matches = Object.entries(labels).every(([label, wanted]) =>
      typeof wanted === 'string' ? found[label] === wanted : wanted.test(found[label] ?? ''),
    );
    if (matches) return Number(match[3]);
  }
  return undefined;
}

/** One line: a JSON object with the three fields, holding none of the storefront's personal values. */
function checkLogLine(service: Name, line: string): void {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`${service} wrote a line that is not JSON: ${line}`);
  }
  const fields = [entry['level'], entry['context'], entry['message']].map((field) => typeof field);
  if (fields.join() !== 'string,string,string')
    throw new Error(`${service} wrote a line without level, context and message: ${line}`);
  const leaked = Object.values(PERSONAL).find((value) => line.includes(value));
  if (leaked !== undefined) throw new Error(`${service} logged personal data (${leaked}): ${line}`);
}

const traceparentOf = (traceId: string) => `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
const traceIdIn = (record: ReadRecord) =>
  /^00-([0-9a-f]{32})-/.exec(record.headers['traceparent'] ?? '')?.[1];

describe('observability of the running platform', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('e2e-observability');
  const rawTopic = physicalTopicName('events.raw.v1', namespace.topicPrefix);
  const examplesTopic = physicalTopicName('training.examples.v2', namespace.topicPrefix);
  const services: Partial<Record<Name, ServiceProcess>> = {};
  const lines: Partial<Record<Name, () => string[]>> = {};
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const ingestTrace = randomBytes(16).toString('hex');
  const scorerTrace = randomBytes(16).toString('hex');
  const kafkaRequestTrace = randomBytes(16).toString('hex');

  beforeAll(async () => {
    await buildServices(['collector', 'preprocessor', 'trainer', 'scorer']);
    receiver = await startReceiver();
    const shared = {
      ...serviceEnv(environment, namespace),
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'verbose',
      LOG_HASH_KEY: 'e2e-observability-log-hash-key',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      KAFKA_TOPIC_PARTITIONS: '2',
    };
    const envs: Record<Name, Record<string, string>> = {
      collector: {
        ...shared,
        COLLECTOR_WRITE_KEYS: JSON.stringify([{ storefront: 'e2e', key: WRITE_KEY }]),
        COLLECTOR_PSEUDONYMISATION_SECRET: SECRET,
      },
      preprocessor: { ...shared, PREPROCESSOR_BATCH_SIZE: '50' },
      trainer: {
        ...shared,
        TRAINER_RETRAIN_AFTER_EXAMPLES: '10000000',
        TRAINER_RETRAIN_INTERVAL_SECONDS: '604800',
      },
      scorer: { ...shared, SCORER_PSEUDONYMISATION_SECRET: SECRET },
    };
    for (const name of ['collector', 'preprocessor', 'trainer', 'scorer'] as const) {
      const service = await startServiceProcess({ name, env: envs[name], readyTimeoutMs: 90_000 });
      services[name] = service;
      lines[name] = linesOf(service);
    }
  }, 400_000);

  afterAll(async () => {
    await Promise.all(Object.values(services).map((service) => service?.stop()));
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  const service = (name: Name) => services[name]!;

  function events() {
    const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1_000).toISOString();
    const base = { schemaVersion: 1, userId: PERSONAL.userId, sessionId: PERSONAL.sessionId };
    const context = { page: { url: `https://shop.example/item?ref=${PERSONAL.email}` } };
    return [
      ...Array.from({ length: 6 }, (_, index) => ({
        ...base,
        eventId: `obs-view-${RUN}-${index}`,
        eventType: 'product_view',
        timestamp: at(60 - index),
        itemId: `sku-${index % 3}`,
        price: 10,
        currency: 'EUR',
        properties: { contact: PERSONAL.email, clientIp: PERSONAL.ip },
        context,
      })),
      {
        ...base,
        eventId: `obs-cart-${RUN}`,
        eventType: 'add_to_cart',
        timestamp: at(30),
        itemId: 'sku-1',
        quantity: 1,
        price: 10,
        currency: 'EUR',
      },
      {
        ...base,
        eventId: `obs-buy-${RUN}`,
        eventType: 'purchase',
        timestamp: at(20),
        orderId: `o-${RUN}`,
        currency: 'EUR',
        revenue: 10,
        items: [{ itemId: 'sku-1', quantity: 1, price: 10 }],
      },
      // Refused (no item) and dead-lettered, e-mail address included.
      {
        ...base,
        eventId: `obs-bad-${RUN}`,
        eventType: 'product_view',
        timestamp: at(10),
        note: PERSONAL.email,
      },
    ];
  }

  it('carries a storefront trace from the collector through Kafka to the preprocessor, trainer and scorer', async () => {
    // The scorer's attribution consumer starts at the end of the topic: let it settle on its partitions.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const response = await fetch(`${service('collector').url}/v1/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-write-key': WRITE_KEY,
        'x-forwarded-for': PERSONAL.ip,
        traceparent: traceparentOf(ingestTrace),
      },
      body: JSON.stringify({ events: events() }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 8, rejected: [{ index: 8 }] });

    const records = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: rawTopic,
      count: 8,
    });
    expect(records.map(traceIdIn)).toEqual(Array(8).fill(ingestTrace));

    const inTrace = (name: Name) =>
      receiver.spans.filter((span) => span.service === name && span.traceId === ingestTrace);
    await waitFor(
      () =>
        (['collector', 'preprocessor', 'trainer', 'scorer'] as const).every(
          (name) => inTrace(name).length > 0,
        )
          ? true
          : undefined,
      { description: 'spans of the ingest trace from all four services', timeoutMs: 60_000 },
    );
    const collectorServer = inTrace('collector').find((span) => span.name === 'POST /v1/events')!;
    const send = inTrace('collector').find((span) => span.name === 'send events.raw.v1')!;
    expect(send.parentSpanId).toBe(collectorServer.spanId);
    const preprocessed = inTrace('preprocessor').filter(
      (span) => span.name === 'process events.raw.v1',
    );
    expect(preprocessed.length).toBeGreaterThanOrEqual(8);
    expect(preprocessed.every((span) => span.parentSpanId === send.spanId)).toBe(true);
    // The batch span is a trace of its own, linked to the events' contexts.
    const batches = receiver.spans.filter(
      (span) =>
        span.service === 'preprocessor' && span.links.some((link) => link.spanId === send.spanId),
    );
    expect(batches.length).toBeGreaterThan(0);
    // Training examples continue the trace of the event they come from.
    const examples = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: examplesTopic,
      count: 1,
    });
    expect(traceIdIn(examples[0]!)).toBe(ingestTrace);
    expect(inTrace('trainer').some((span) => span.name === 'process training.examples.v2')).toBe(
      true,
    );
    expect(inTrace('scorer').some((span) => span.name === 'process events.raw.v1')).toBe(true);
  }, 180_000);

  it("carries a scorer request's trace into the impression it logs", async () => {
    const response = await fetch(
      `${service('scorer').url}/v1/recommendations/${PERSONAL.userId}?k=5&sessionId=${PERSONAL.sessionId}`,
      { headers: { traceparent: traceparentOf(scorerTrace), 'x-forwarded-for': PERSONAL.ip } },
    );
    expect(response.status).toBe(200);
    const served = (await response.json()) as { items: unknown[] };
    expect(served.items.length).toBeGreaterThan(0);
    const impression = await waitFor(
      async () =>
        (await readTopic({ brokers: environment.kafkaBrokers, topic: rawTopic, count: 9 })).find(
          (record) =>
            (record.json as { eventType?: string }).eventType === 'recommendation_impression',
        ),
      { description: 'the impression event', timeoutMs: 30_000 },
    );
    expect(traceIdIn(impression)).toBe(scorerTrace);
    await waitFor(
      () =>
        receiver.spans.some(
          (span) =>
            span.service === 'scorer' &&
            span.traceId === scorerTrace &&
            span.name === 'GET /v1/recommendations/:userId',
        )
          ? true
          : undefined,
      { description: "the scorer's server span", timeoutMs: 30_000 },
    );
  }, 90_000);

  it('answers a recommendation request from Kafka in the trace the request carries', async () => {
    const kafka = new KafkaClient(testKafkaConfig(environment.kafkaBrokers, namespace, 'e2e'));
    const publisher = new KafkaPublisher(kafka);
    await publisher.connect();
    try {
      await publisher.publish('recommendations.requests.v1', [
        {
          key: PERSONAL.userId,
          value: {
            schemaVersion: 1,
            requestId: `obs-request-${RUN}`,
            userId: PERSONAL.userId,
            k: 3,
            requestedAt: new Date().toISOString(),
          },
          headers: { traceparent: traceparentOf(kafkaRequestTrace) },
        },
      ]);
    } finally {
      await publisher.disconnect();
    }
    const [answer] = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physicalTopicName('recommendations.v1', namespace.topicPrefix),
      count: 1,
      timeoutMs: 30_000,
    });
    expect((answer!.json as { requestId: string }).requestId).toBe(`obs-request-${RUN}`);
    expect(traceIdIn(answer!)).toBe(kafkaRequestTrace);
  }, 60_000);

  it('writes the full CloudEvents header set on every message of every topic the flow wrote', async () => {
    const written: string[] = [];
    const sources = new Set<string>();
    for (const topic of topicNames) {
      const records = await readAllRecords({
        brokers: environment.kafkaBrokers,
        topic: physicalTopicName(topic, namespace.topicPrefix),
      });
      if (records.length > 0) written.push(topic);
      expect(recordsWithoutCloudEventHeaders(topic, records)).toEqual([]);
      for (const record of records) {
        expect(record.headers['ce_type']).toMatch(/^io\.recsys\.[a-z_.]+\.v[0-9]+$/);
        if (topic === 'events.raw.v1') sources.add(record.headers['ce_source']!);
      }
    }
    expect(written).toEqual(
      expect.arrayContaining([
        'events.raw.v1',
        'events.dlq.v1',
        'features.updated.v2',
        'training.examples.v2',
        'recommendations.requests.v1',
        'recommendations.v1',
      ]),
    );
    // Storefront events from the collector and impressions from the scorer, on the same topic.
    expect(sources.size).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("exposes each service's series with values, consumer lag of every group included", async () => {
    const collector = service('collector');
    expect(
      await metricValue(collector, 'collector_events_accepted_total', {
        event_type: 'product_view',
      }),
    ).toBe(6);
    expect(await metricValue(collector, 'collector_events_rejected_total')).toBeGreaterThanOrEqual(
      1,
    );
    expect(
      await metricValue(collector, 'kafka_dead_letters_total', { code: 'EVENT_INVALID' }),
    ).toBeGreaterThanOrEqual(1);

    const preprocessor = service('preprocessor');
    await waitFor(
      async () =>
        (await metricValue(preprocessor, 'preprocessor_applied_events_total', {
          event_type: 'product_view',
        })) === 6
          ? true
          : undefined,
      { description: 'six views applied' },
    );
    const lagOf = (name: Name, topic: string) =>
      waitFor(() => metricValue(service(name), 'kafka_consumer_group_lag', { topic }), {
        description: `${name} lag on ${topic}`,
        timeoutMs: 30_000,
      });
    await expect(lagOf('preprocessor', 'events.raw.v1')).resolves.toBeGreaterThanOrEqual(0);
    await expect(lagOf('preprocessor', 'catalog.items.v1')).resolves.toBeGreaterThanOrEqual(0);
    await expect(lagOf('trainer', 'training.examples.v2')).resolves.toBeGreaterThanOrEqual(0);
    await expect(lagOf('scorer', 'events.raw.v1')).resolves.toBeGreaterThanOrEqual(0);
    await expect(lagOf('scorer', 'recommendations.requests.v1')).resolves.toBeGreaterThanOrEqual(0);
    // Caught up: every partition of the preprocessor's group committed to the end.
    await waitFor(
      async () => {
        const text = await (await fetch(`${preprocessor.url}/metrics`)).text();
        const lags = [
          ...text.matchAll(
            /^kafka_consumer_group_lag\{[^}]*topic="events\.raw\.v1"[^}]*\} (\S+)$/gm,
          ),
        ];
        return lags.length === 2 && lags.every((lag) => lag[1] === '0') ? true : undefined;
      },
      { description: 'the preprocessor group at lag 0 on both partitions', timeoutMs: 40_000 },
    );

    const scorer = service('scorer');
    expect(
      await metricValue(scorer, 'scorer_requests_total', { endpoint: 'recommend' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await metricValue(scorer, 'scorer_request_duration_seconds_count', { endpoint: 'recommend' }),
    ).toBeGreaterThanOrEqual(1);
    expect(await metricValue(service('trainer'), 'trainer_window_examples')).toBeGreaterThan(0);
    for (const name of ['collector', 'preprocessor', 'trainer', 'scorer'] as const) {
      expect(await metricValue(service(name), 'process_resident_memory_bytes')).toBeGreaterThan(0);
    }
  }, 120_000);

  it('logs one JSON object per line with level, context and message, and nothing personal', () => {
    for (const name of ['collector', 'preprocessor', 'trainer', 'scorer'] as const) {
      const all = lines[name]!();
      expect(all.length).toBeGreaterThan(10);
      for (const line of all) checkLogLine(name, line);
    }
  });
});
