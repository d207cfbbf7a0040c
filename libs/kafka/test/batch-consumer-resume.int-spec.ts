/**
 * KafkaBatchConsumer with a store-owned position (`resumeAfter`) on a real broker: it starts after what
 * the store holds, and after a retriable failure it resumes from what the store holds then — not from
 * where it was — so writes the store lost (a Redis restarted without its last second) are handled again.
 */
import { AppError } from '@recsys/contracts';
import { integrationEnvironment, testKafkaConfig, testNamespace, waitFor } from '@recsys/testing';
import { KafkaBatchConsumer, KafkaClient, KafkaPublisher, type RawMessage } from '../src';
import { pageView } from './page-view';

describe('KafkaBatchConsumer resuming from its store on a real broker', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('batch-resume');
  const client = new KafkaClient(testKafkaConfig(environment.kafkaBrokers, namespace, 'resume'));
  const publisher = new KafkaPublisher(client);
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    await client.ensureTopics([
      { topic: 'events.raw.v1', partitions: 1 },
      { topic: 'events.dlq.v1', partitions: 1 },
    ]);
    await publisher.connect();
    await publisher.publish(
      'events.raw.v1',
      Array.from({ length: 60 }, (_, index) => ({ key: 'u-1', value: pageView(`e-${index}`) })),
    );
  });

  afterAll(async () => {
    await Promise.all(stops.map((stop) => stop()));
    await publisher.disconnect();
  });

  it('starts after the stored offset and, after a failure, resumes from what the store holds then', async () => {
    /** The "store": the last offset whose effects it holds. */
    let stored: bigint | undefined = 9n;
    const handled: number[] = [];
    let failed = false;
    const consumer = new KafkaBatchConsumer(client, {
      topic: 'events.raw.v1',
      groupId: namespace.groupId('resume'),
      service: 'resume-test',
      deadLetters: publisher,
      maxBatchSize: 10,
      retryBackoffMs: 10,
      resumeAfter: async () => stored,
      handleBatch: async (messages: RawMessage[]) => {
        const offsets = messages.map((message) => Number(message.offset));
        if (!failed && offsets.at(-1)! >= 39) {
          // The store restarted without its last writes (it holds 19, not 29), and this write fails.
          failed = true;
          stored = 19n;
          throw new AppError('FEATURE_STORE_RECONNECTED', 'the store lost its connection');
        }
        handled.push(...offsets);
        stored = BigInt(offsets.at(-1)!);
      },
    });
    await consumer.start();
    stops.push(() => consumer.stop());
    await waitFor(() => (stored === 59n ? true : undefined), {
      description: 'every message handled',
      timeoutMs: 60_000,
    });

    const range = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, index) => from + index);
    // Nothing at or below the stored offset at start; 20..29 again after the failure, then on.
    expect(handled).toEqual([...range(10, 29), ...range(20, 59)]);
  });

  it('handles no batch before the store says where to resume, asking again while it cannot', async () => {
    let asked = 0;
    let stored: bigint | undefined = 49n;
    const handled: number[] = [];
    const consumer = new KafkaBatchConsumer(client, {
      topic: 'events.raw.v1',
      groupId: namespace.groupId('store-down'),
      service: 'resume-test',
      deadLetters: publisher,
      maxBatchSize: 10,
      retryBackoffMs: 10,
      resumeAfter: async () => {
        asked += 1;
        // The store is down for the first two questions.
        if (asked <= 2) throw new AppError('REDIS_UNAVAILABLE', 'the store is down');
        return stored;
      },
      handleBatch: async (messages: RawMessage[]) => {
        handled.push(...messages.map((message) => Number(message.offset)));
        stored = BigInt(messages.at(-1)!.offset);
      },
    });
    await consumer.start();
    stops.push(() => consumer.stop());
    await waitFor(() => (stored === 59n ? true : undefined), {
      description: 'the messages after the stored offset handled',
      timeoutMs: 60_000,
    });
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(handled).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
  });
});
