/**
 * `npm run bench:features [-- --events 100000 --rate 500 --seconds 10]`
 * Preprocessor throughput and freshness on the local Kafka + Redis (or KAFKA_BROKERS / REDIS_URL):
 *   1. preloads N events into events.raw.v1, starts the preprocessor (its own process, built output) and
 *      measures events/s from its first to its last applied batch (stored offsets in Redis);
 *   2. with the preprocessor caught up, sends events at a fixed rate and measures event accepted →
 *      features visible (features.updated.v1 `updatedAt` − the event's receipt time): p50/p99.
 */
import type { StorefrontEvent } from '@recsys/contracts';
import { FeatureStore, RedisConnection } from '@recsys/feature-store';
import {
  KafkaClient,
  KafkaPublisher,
  KafkaTopicConsumer,
  type OutgoingMessage,
} from '@recsys/kafka';
import {
  buildServices,
  startServiceProcess,
  testKafkaConfig,
  testNamespace,
  waitFor,
} from '@recsys/testing';
import { numberOption, percentile, report, round, withInfrastructure } from './bench-support';

const USERS = 10_000;
const ITEMS = 5_000;

function syntheticEvent(index: number, atMs: number): StorefrontEvent {
  const user = `bench-user-${(index * 2_654_435_761) % USERS}`;
  // A skewed item draw: low ids are far more popular, as on a real storefront.
  const itemId = `sku-${Math.floor(ITEMS * Math.pow((index * 0.618_033_988_7) % 1, 3))}`;
  const base = {
    eventId: `bench-${atMs}-${index}`,
    schemaVersion: 1,
    userId: user,
    sessionId: `${user}-${Math.floor(index / 5_000)}`,
    timestamp: new Date(atMs).toISOString(),
    receivedAt: new Date(atMs).toISOString(),
  };
  if (index % 10 === 0)
    return {
      ...base,
      eventType: 'add_to_cart',
      itemId,
      quantity: 1,
      price: 25,
      currency: 'EUR',
    } as StorefrontEvent;
  return {
    ...base,
    eventType: 'product_view',
    itemId,
    price: 25,
    currency: 'EUR',
    categoryPath: [`cat-${itemId.length}`],
  } as StorefrontEvent;
}

const toMessage = (event: StorefrontEvent): OutgoingMessage<'events.raw.v1'> => ({
  key: event.userId!,
  value: event,
});

async function preload(publisher: KafkaPublisher, count: number): Promise<void> {
  const now = Date.now();
  for (let start = 0; start < count; start += 1_000) {
    const size = Math.min(1_000, count - start);
    await publisher.publish(
      'events.raw.v1',
      Array.from({ length: size }, (_, offset) => toMessage(syntheticEvent(start + offset, now))),
    );
  }
}

async function appliedSoFar(
  kafka: KafkaClient,
  store: FeatureStore,
): Promise<{ applied: number; total: number }> {
  const admin = kafka.kafka.admin();
  await admin.connect();
  try {
    const topic = kafka.topicName('events.raw.v1');
    let applied = 0;
    let total = 0;
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
      total += Number(high);
      applied +=
        Number(
          (await store.storedOffset(
            `${kafka.config.topicPrefix}.preprocessor:${topic}:${partition}`,
          )) ?? -1,
        ) + 1;
    }
    return { applied, total };
  } finally {
    await admin.disconnect();
  }
}

async function measureThroughput(
  kafka: KafkaClient,
  store: FeatureStore,
): Promise<{ eventsPerSecond: number; seconds: number }> {
  let first: { at: number; applied: number } | undefined;
  const last = await waitFor(
    async () => {
      const progress = await appliedSoFar(kafka, store);
      if (first === undefined && progress.applied > 0)
        first = { at: Date.now(), applied: progress.applied };
      return progress.applied >= progress.total
        ? { at: Date.now(), applied: progress.applied }
        : undefined;
    },
    { description: 'preprocessor to apply the preload', timeoutMs: 600_000, intervalMs: 50 },
  );
  const seconds = (last.at - first!.at) / 1_000;
  return { eventsPerSecond: (last.applied - first!.applied) / seconds, seconds };
}

async function measureFreshness(options: {
  kafka: KafkaClient;
  publisher: KafkaPublisher;
  groupId: string;
  rate: number;
  seconds: number;
}): Promise<number[]> {
  const latencies: number[] = [];
  const listener = new KafkaTopicConsumer(options.kafka, {
    topic: 'features.updated.v1',
    groupId: options.groupId,
    service: 'bench',
    deadLetters: options.publisher,
    fromBeginning: false,
    handle: async ({ value }) => {
      if (value.eventId.startsWith('fresh-'))
        latencies.push(Date.parse(value.updatedAt) - Number(value.eventId.split('-')[1]));
    },
  });
  await listener.start();
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // let the listener join before sending
  const total = options.rate * options.seconds;
  const perTick = Math.max(1, Math.round(options.rate / 20));
  for (let sent = 0; sent < total; sent += perTick) {
    const now = Date.now();
    const events = Array.from({ length: perTick }, (_, index) => ({
      ...syntheticEvent(sent + index, now),
      eventId: `fresh-${now}-${sent + index}`,
    }));
    await options.publisher.publish('events.raw.v1', events.map(toMessage));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await waitFor(() => (latencies.length >= total ? true : undefined), {
    description: 'freshness samples',
    timeoutMs: 60_000,
  });
  await listener.stop();
  return latencies.sort((a, b) => a - b);
}

interface BenchSetup {
  kafka: KafkaClient;
  publisher: KafkaPublisher;
  redis: RedisConnection;
  env: Record<string, string>;
  groupId: string;
}

async function setUp(kafkaAddress: string, redisAddress: string): Promise<BenchSetup> {
  const namespace = testNamespace('bench-features');
  const kafka = new KafkaClient(testKafkaConfig(kafkaAddress.split(','), namespace, 'bench'));
  const publisher = new KafkaPublisher(kafka);
  const redis = new RedisConnection({
    url: redisAddress,
    keyPrefix: namespace.redisKeyPrefix,
    connectTimeoutMs: 5_000,
  });
  await kafka.ensureTopics([
    { topic: 'events.raw.v1', partitions: 3 },
    { topic: 'features.updated.v1', partitions: 3 },
  ]);
  await Promise.all([publisher.connect(), redis.connect()]);
  const env = {
    KAFKA_BROKERS: kafkaAddress,
    KAFKA_TOPIC_PREFIX: namespace.topicPrefix,
    REDIS_URL: redisAddress,
    REDIS_KEY_PREFIX: namespace.redisKeyPrefix,
    LOG_LEVEL: 'warn',
    // Extra preprocessor settings to compare configurations, e.g. '{"FEATURE_NEGATIVE_SAMPLES":"0"}'.
    ...(JSON.parse(process.env['BENCH_PREPROCESSOR_ENV'] ?? '{}') as Record<string, string>),
  };
  return { kafka, publisher, redis, env, groupId: namespace.groupId('freshness') };
}

async function main(): Promise<void> {
  const events = numberOption('events', 100_000);
  const rate = numberOption('rate', 500);
  const seconds = numberOption('seconds', 10);
  await buildServices(['preprocessor']);
  await withInfrastructure(async ({ kafka: kafkaInfra, redis: redisInfra }) => {
    const setup = await setUp(kafkaInfra.address, redisInfra.address);
    const loadStarted = Date.now();
    await preload(setup.publisher, events);
    process.stderr.write(
      `preloaded ${events} events in ${Date.now() - loadStarted} ms; starting the preprocessor\n`,
    );
    const preprocessor = await startServiceProcess({ name: 'preprocessor', env: setup.env });
    try {
      const throughput = await measureThroughput(setup.kafka, new FeatureStore(setup.redis));
      const freshness = await measureFreshness({ ...setup, rate, seconds });
      const variant = process.env['BENCH_PREPROCESSOR_ENV'] ? '-custom' : '';
      report(`bench-features${variant}`, [
        ['preprocessor settings', process.env['BENCH_PREPROCESSOR_ENV'] ?? 'defaults'],
        ['events preloaded', events],
        ['preprocessor events/s (one instance)', round(throughput.eventsPerSecond, 0)],
        ['apply time (s)', round(throughput.seconds, 2)],
        [`freshness at ${rate} ev/s: samples`, freshness.length],
        ['freshness p50 (ms)', percentile(freshness, 50)],
        ['freshness p99 (ms)', percentile(freshness, 99)],
        ['freshness max (ms)', freshness[freshness.length - 1] ?? Number.NaN],
      ]);
    } finally {
      await preprocessor.stop();
      await Promise.all([setup.publisher.disconnect(), setup.redis.disconnect()]);
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:features failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
