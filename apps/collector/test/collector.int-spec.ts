/**
 * The collector as a storefront sees it: real HTTP on a real port, real Kafka underneath. What it wrote
 * is read back from the broker with a separate plain kafkajs consumer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { physicalTopicName, type DeadLetterV1, type StorefrontEvent } from '@recsys/contracts';
import { KafkaPublisher } from '@recsys/kafka';
import { createHttpApp } from '@recsys/platform';
import { integrationEnvironment, readTopic, serviceEnv, testNamespace } from '@recsys/testing';
import { loadCollectorConfig } from '../src/config';
import { collectorService } from '../src/service';

const FIXTURES = join(__dirname, '../../../libs/contracts/src/__fixtures__/valid');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.v1.json`), 'utf8')) as Record<string, unknown>;

describe('collector over HTTP on a real broker', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('collector');
  const rawTopic = physicalTopicName('events.raw.v1', namespace.topicPrefix);
  const dlqTopic = physicalTopicName('events.dlq.v1', namespace.topicPrefix);
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    const config = loadCollectorConfig({
      ...serviceEnv(environment, namespace),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      COLLECTOR_MAX_BODY_BYTES: '65536',
      KAFKA_TOPIC_PARTITIONS: '2',
    });
    app = await createHttpApp(collectorService, config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  const post = (body: string | object) =>
    fetch(`${baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('accepts one event with 202 and writes it to events.raw.v1 keyed by user', async () => {
    const event = fixture('product-view');
    const response = await post(event);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1, rejected: [] });

    const [record] = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: rawTopic,
      count: 1,
    });
    expect(record!.key).toBe('u-1001');
    const written = record!.json as StorefrontEvent;
    expect(written).toEqual({ ...event, receivedAt: expect.any(String) });
    expect(Date.parse(written.receivedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(record!.headers).toMatchObject({ ce_id: 'evt-0002', ce_type: 'product_view' });
  });

  it('accepts the valid part of a batch, reports the invalid part, and dead-letters it', async () => {
    const bad = { ...fixture('add-to-cart'), eventId: 'evt-neg', price: -1 };
    const response = await post({ events: [fixture('search'), bad, fixture('purchase')] });
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
    expect(deadLetter!.json as DeadLetterV1).toMatchObject({
      reason: 'schema_violation',
      eventId: 'evt-neg',
      issues: [expect.objectContaining({ path: 'price' })],
    });
  });

  it('answers 400 with every reason when no event in the request is valid', async () => {
    const response = await post([{ eventType: 'page_view' }, { ...fixture('rating'), rating: 9 }]);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string }; rejected: unknown[] };
    expect(body.error.code).toBe('EVENT_INVALID');
    expect(body.rejected).toHaveLength(2);
  });

  it('answers 400 PAYLOAD_NOT_JSON to a body that is not JSON', async () => {
    const response = await post('{"eventId": ');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'PAYLOAD_NOT_JSON',
    );
  });

  it('answers 413 to a body over the configured limit', async () => {
    const events = Array.from({ length: 200 }, (_, index) => ({
      ...fixture('review'),
      eventId: `evt-big-${index}`,
    }));
    const response = await post({ events });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'BATCH_TOO_LARGE',
    );
  });

  it('reports live and ready with Kafka up', async () => {
    expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);
    const ready = await fetch(`${baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { kafka: 'up' } });
  });

  it('answers 503 with Retry-After, never 202, when Kafka cannot take the events', async () => {
    await app.get(KafkaPublisher).disconnect();
    const response = await post(fixture('share'));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(
      ((await response.json()) as { error: { code: string; retriable: boolean } }).error,
    ).toMatchObject({
      code: 'KAFKA_UNAVAILABLE',
      retriable: true,
    });
    expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(503);
  });
});
