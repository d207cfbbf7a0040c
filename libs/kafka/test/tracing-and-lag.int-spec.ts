/**
 * Trace context across a real broker (publisher → topic consumer, publisher → batch consumer) and the
 * consumer-group lag the metrics report, read back from the broker.
 */
import {
  activeTraceIds,
  startInMemoryTracing,
  traceWork,
  type InMemoryTracing,
} from '@recsys/telemetry';
import {
  integrationEnvironment,
  readTopic,
  testKafkaConfig,
  testNamespace,
  waitFor,
} from '@recsys/testing';
import {
  ConsumerGroupLagReader,
  KafkaBatchConsumer,
  KafkaClient,
  KafkaPublisher,
  KafkaTopicConsumer,
  deadLetterMessage,
  type RawMessage,
} from '../src';
import { pageView } from './page-view';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

const idsOf = (header: string | undefined) => {
  const [, traceId, spanId] = TRACEPARENT.exec(header ?? '') ?? [];
  return { traceId, spanId };
};

describe('trace context and consumer lag on a real broker', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('kafka-tracing');
  const client = new KafkaClient(testKafkaConfig(environment.kafkaBrokers, namespace, 'tracing'));
  const publisher = new KafkaPublisher(client);
  const stops: Array<() => Promise<void>> = [];
  let tracing: InMemoryTracing;

  beforeAll(async () => {
    tracing = startInMemoryTracing('kafka-test');
    await client.ensureTopics([
      { topic: 'events.raw.v1', partitions: 1 },
      { topic: 'events.dlq.v1', partitions: 1 },
      { topic: 'features.updated.v2', partitions: 1 },
    ]);
    await publisher.connect();
  });

  afterAll(async () => {
    await Promise.all(stops.map((stop) => stop()));
    await publisher.disconnect();
    await tracing.shutdown();
  });

  it('carries the publishing span into the headers, and the consumer continues that trace', async () => {
    const consumedIn: Array<ReturnType<typeof activeTraceIds>> = [];
    const consumer = new KafkaTopicConsumer(client, {
      topic: 'events.raw.v1',
      groupId: namespace.groupId('topic'),
      service: 'tracing-test',
      deadLetters: publisher,
      handle: async () => {
        consumedIn.push(activeTraceIds());
      },
    });
    await consumer.start();
    stops.push(() => consumer.stop());

    await traceWork('http request', () =>
      publisher.publish('events.raw.v1', [{ key: 'u-1', value: pageView('t-1') }]),
    );
    const request = tracing.spans().find((span) => span.name === 'http request')!;
    const send = tracing.spans().find((span) => span.name === 'send events.raw.v1')!;
    expect(send).toMatchObject({
      kind: 'producer',
      traceId: request.traceId,
      parentSpanId: request.spanId,
    });

    const [record] = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: client.topicName('events.raw.v1'),
      count: 1,
    });
    expect(idsOf(record!.headers['traceparent'])).toEqual({
      traceId: request.traceId,
      spanId: send.spanId,
    });

    const processed = await waitFor(
      () =>
        tracing
          .spans()
          .find((span) => span.name === 'process events.raw.v1' && span.kind === 'consumer'),
      { description: 'the consumer span' },
    );
    expect(processed).toMatchObject({ traceId: request.traceId, parentSpanId: send.spanId });
    expect(consumedIn).toEqual([{ traceId: request.traceId, spanId: processed.spanId }]);
  });

  it('keeps a trace context a message brings with it', async () => {
    const own = `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`;
    await traceWork('batch', () =>
      publisher.publish('features.updated.v2', [
        {
          key: 'k',
          value: {
            schemaVersion: 2,
            batchId: 'events.raw.v1:0:0-0/0',
            featureFormatVersion: 2,
            updatedAt: '2026-11-28T10:00:00.000Z',
            users: [],
            items: [],
            featureGroups: [],
            events: [
              { eventId: 'e', eventType: 'page_view', eventTimestamp: '2026-11-28T10:00:00.000Z' },
            ],
          },
          headers: { traceparent: own },
        },
      ]),
    );
    const [record] = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: client.topicName('features.updated.v2'),
      count: 1,
    });
    expect(record!.headers['traceparent']).toBe(own);
  });

  it('hands a batch handler each message with the trace headers of its own span, in its trace', async () => {
    const handed: RawMessage[] = [];
    const before = tracing.spans().length;
    const consumer = new KafkaBatchConsumer(client, {
      topic: 'events.raw.v1',
      groupId: namespace.groupId('batch'),
      service: 'tracing-test',
      deadLetters: publisher,
      handleBatch: async (messages) => {
        handed.push(...messages);
      },
    });
    await consumer.start();
    stops.push(() => consumer.stop());
    await traceWork('second request', () =>
      publisher.publish('events.raw.v1', [{ key: 'u-2', value: pageView('t-2') }]),
    );
    await waitFor(() => (handed.length >= 2 ? true : undefined), { description: 'both messages' });

    const spans = tracing.spans().slice(before);
    const sends = tracing.spans().filter((span) => span.name === 'send events.raw.v1');
    for (const message of handed) {
      const ids = idsOf(message.headers['traceparent']);
      const own = spans.find((span) => span.spanId === ids.spanId)!;
      expect(own).toMatchObject({ name: 'process events.raw.v1', kind: 'consumer' });
      const send = sends.find((span) => span.spanId === own.parentSpanId);
      expect(send?.traceId).toBe(ids.traceId);
      expect(own.links).toHaveLength(1);
    }
    const batchSpans = spans.filter(
      (span) =>
        span.attributes['messaging.batch.message_count'] !== undefined &&
        span.name.startsWith('process'),
    );
    const linked = batchSpans.flatMap((span) => span.links.map((link) => link.spanId));
    expect(linked).toEqual(expect.arrayContaining(sends.map((span) => span.spanId)));
  });

  it('reports the lag of the groups the process consumes with, from the broker', async () => {
    const reader = new ConsumerGroupLagReader(client, { maxAgeMs: 0 });
    stops.push(() => reader.close());
    const groups = client.consumedGroups.map((group) => group.groupId).sort();
    expect(groups).toEqual([namespace.groupId('batch'), namespace.groupId('topic')].sort());
    const lags = await waitFor(
      async () => {
        const samples = await reader.read();
        return samples.length === 2 && samples.every((sample) => sample.lag === 0)
          ? samples
          : undefined;
      },
      { description: 'both groups caught up', timeoutMs: 30_000 },
    );
    expect(lags).toEqual(
      expect.arrayContaining([
        { groupId: namespace.groupId('topic'), topic: 'events.raw.v1', partition: 0, lag: 0 },
      ]),
    );
    await Promise.all(stops.splice(0, 2).map((stop) => stop()));
    await publisher.publish('events.raw.v1', [
      { key: 'u-3', value: pageView('t-3') },
      { key: 'u-3', value: pageView('t-4') },
    ]);
    const behind = await reader.read();
    expect(behind.map((sample) => sample.lag)).toEqual([2, 2]);
  });

  it('tells listeners what Kafka acknowledged, dead letters included', async () => {
    const seen: Array<{ topic: string; count: number }> = [];
    publisher.onPublished((topic, messages) => seen.push({ topic, count: messages.length }));
    await publisher.publish('events.dlq.v1', [
      deadLetterMessage({
        reason: 'schema_violation',
        code: 'MESSAGE_INVALID',
        message: 'bad',
        service: 'tracing-test',
        payload: '{}',
      }),
    ]);
    expect(seen).toEqual([{ topic: 'events.dlq.v1', count: 1 }]);
  });
});
