import type { RecordMetadata } from 'kafkajs';
import { AppError, headerNames, type PageViewV1, type TopicName } from '@recsys/contracts';
import {
  integrationEnvironment,
  readTopic,
  testKafkaConfig,
  testNamespace,
  waitFor,
  writeRawMessages,
} from '@recsys/testing';
import { KafkaClient, KafkaPublisher, KafkaTopicConsumer, type ReceivedMessage } from '../src';
import { pageView } from './page-view';

describe('KafkaPublisher and KafkaTopicConsumer on a real broker', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('topic-consumer');
  const client = new KafkaClient(
    testKafkaConfig(environment.kafkaBrokers, namespace, 'consumer-test'),
  );
  const publisher = new KafkaPublisher(client);
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    await client.ensureTopics([
      { topic: 'events.raw.v1', partitions: 1 },
      { topic: 'events.dlq.v1', partitions: 1 },
    ]);
    await publisher.connect();
  });

  afterAll(async () => {
    await Promise.all(stops.map((stop) => stop()));
    await publisher.disconnect();
  });

  async function startConsumer(
    name: string,
    handle: (message: ReceivedMessage<'events.raw.v1'>) => Promise<void>,
  ): Promise<void> {
    const consumer = new KafkaTopicConsumer(client, {
      topic: 'events.raw.v1',
      groupId: namespace.groupId(name),
      service: 'consumer-test',
      handle,
      deadLetters: publisher,
      maxAttempts: 3,
      retryBackoffMs: 10,
    });
    await consumer.start();
    stops.push(() => consumer.stop());
  }

  function physical(topic: TopicName): string {
    return client.topicName(topic);
  }

  it('reports a healthy broker', async () => {
    await expect(client.isHealthy()).resolves.toBe(true);
  });

  it('publishes a batch keyed by user, with content-type headers, acknowledged', async () => {
    const results: RecordMetadata[] = await publisher.publish('events.raw.v1', [
      { key: 'u-1', value: pageView('e-1'), headers: { [headerNames.eventId]: 'e-1' } },
      { key: 'u-1', value: pageView('e-2') },
    ]);
    expect(results[0]?.errorCode).toBe(0);
    const records = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physical('events.raw.v1'),
      count: 2,
    });
    expect(records.map((record) => record.key)).toEqual(['u-1', 'u-1']);
    expect(records[0]?.headers).toMatchObject({ 'content-type': 'application/json', ce_id: 'e-1' });
    expect(records.map((record) => (record.json as PageViewV1).eventId)).toEqual(['e-1', 'e-2']);
  });

  it('dead-letters malformed and contract-breaking messages, then keeps consuming the partition', async () => {
    await writeRawMessages({
      brokers: environment.kafkaBrokers,
      topic: physical('events.raw.v1'),
      messages: [
        { key: 'u-1', value: '{not json' },
        { key: 'u-1', value: JSON.stringify({ ...pageView('e-bad'), timestamp: 'yesterday' }) },
        { key: 'u-1', value: JSON.stringify(pageView('e-after-poison')) },
      ],
    });
    const handled: string[] = [];
    await startConsumer('poison', async (message) => {
      handled.push(message.value.eventId);
    });
    await waitFor(() => (handled.includes('e-after-poison') ? true : undefined), {
      description: 'e-after-poison',
    });
    expect(handled).toEqual(['e-1', 'e-2', 'e-after-poison']);

    const deadLetters = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physical('events.dlq.v1'),
      count: 2,
    });
    const reasons = deadLetters.map((record) => (record.json as { reason: string }).reason);
    expect(reasons).toEqual(['malformed_json', 'schema_violation']);
    expect(deadLetters[1]?.json).toMatchObject({
      eventId: 'e-bad',
      code: 'MESSAGE_INVALID',
      issues: [{ path: 'timestamp' }],
      source: { topic: physical('events.raw.v1'), partition: 0 },
    });
    expect(deadLetters[0]?.headers[headerNames.errorCode]).toBe('PAYLOAD_NOT_JSON');
  });

  it('retries retriable handler errors in process and succeeds without dead-lettering', async () => {
    const attempts = new Map<string, number>();
    const done: string[] = [];
    await startConsumer('retriable', async (message) => {
      const count = (attempts.get(message.value.eventId) ?? 0) + 1;
      attempts.set(message.value.eventId, count);
      if (message.value.eventId === 'e-1' && count < 3)
        throw new AppError('REDIS_UNAVAILABLE', 'redis flapped');
      done.push(message.value.eventId);
    });
    await waitFor(() => (done.includes('e-after-poison') ? true : undefined), {
      description: 'all handled',
    });
    expect(attempts.get('e-1')).toBe(3);
    expect(done).toEqual(['e-1', 'e-2', 'e-after-poison']);
  });

  it('dead-letters a message whose handler fails for good, with the error code, and moves on', async () => {
    const done: string[] = [];
    await startConsumer('handler-error', async (message) => {
      if (message.value.eventId === 'e-2')
        throw new AppError('EVENT_INVALID', 'item sku-x does not exist');
      done.push(message.value.eventId);
    });
    await waitFor(() => (done.includes('e-after-poison') ? true : undefined), {
      description: 'all handled',
    });
    // Every group re-reads the two poison messages (2 dead letters per earlier group) before this one's.
    const deadLetters = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physical('events.dlq.v1'),
      count: 7,
    });
    const handlerErrors = deadLetters.filter(
      (record) => (record.json as { reason: string }).reason === 'handler_error',
    );
    expect(handlerErrors.map((record) => record.json)).toEqual([
      expect.objectContaining({ reason: 'handler_error', code: 'EVENT_INVALID', eventId: 'e-2' }),
    ]);
    expect(done).toEqual(['e-1', 'e-after-poison']);
  });

  it('does not commit a message whose retriable error outlasts the retries: it is delivered again', async () => {
    let failuresLeft = 4; // more than maxAttempts (3): the first delivery gives up, the redelivery succeeds
    const done: string[] = [];
    await startConsumer('redeliver', async (message) => {
      if (message.value.eventId === 'e-1' && failuresLeft > 0) {
        failuresLeft -= 1;
        throw new AppError('REDIS_UNAVAILABLE', 'still down');
      }
      done.push(message.value.eventId);
    });
    await waitFor(() => (done.includes('e-after-poison') ? true : undefined), {
      description: 'redelivery after crash',
      timeoutMs: 45_000,
    });
    expect(done[0]).toBe('e-1');
    expect(failuresLeft).toBe(0);
  });
});
