/**
 * The preprocessor in process on the real broker and Redis: events published to events.raw.v1 become
 * feature values, duplicates and redeliveries change nothing, bad messages are dead-lettered with
 * reasons, and labelled events produce point-in-time training examples.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  expandTrainingExamples,
  physicalTopicName,
  type DeadLetterV1,
  type StorefrontEvent,
  type TrainingExamplesV2,
} from '@recsys/contracts';
import { FeatureStore, RedisConnection } from '@recsys/feature-store';
import { decodeItemFeatures, decodeUserFeatures } from '@recsys/features';
import { KafkaClient, KafkaPublisher } from '@recsys/kafka';
import { createHttpApp } from '@recsys/platform';
import {
  integrationEnvironment,
  readTopic,
  type ReadRecord,
  serviceEnv,
  testNamespace,
  waitFor,
  writeRawMessages,
} from '@recsys/testing';
import { loadPreprocessorConfig } from '../src/config';
import { preprocessorService } from '../src/service';

const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

function view(eventId: string, itemId: string, atMs: number): StorefrontEvent {
  return {
    eventId,
    schemaVersion: 1,
    eventType: 'product_view',
    userId: 'u_alice',
    sessionId: 's-1',
    timestamp: iso(atMs),
    receivedAt: iso(NOW),
    itemId,
    price: 40,
    currency: 'eur',
    categoryPath: ['Garden', 'Tools'],
  };
}

const environment = integrationEnvironment();

/** The service's Redis settings for each target: one Redis, and the three-primary Redis Cluster. */
const targets = [
  { name: 'Redis', redis: {} },
  {
    name: 'Redis Cluster',
    redis: {
      REDIS_URL: `redis://${environment.redisClusterNodes!.split(',')[0]!}`,
      REDIS_CLUSTER_NODES: environment.redisClusterNodes!,
    },
  },
];

describe.each(targets)('preprocessor on a real broker and $name', (target) => {
  const namespace = testNamespace('preprocessor');
  const env = {
    ...serviceEnv(environment, namespace),
    ...target.redis,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    KAFKA_TOPIC_PARTITIONS: '1',
    FEATURE_NEGATIVE_SAMPLES: '1',
  };
  const config = loadPreprocessorConfig(env);
  const kafka = new KafkaClient(config.kafka);
  const publisher = new KafkaPublisher(kafka);
  const redis = new RedisConnection(config.redis);
  const store = new FeatureStore(redis);
  let app: NestFastifyApplication;

  const events = [
    view('p-1', 'sku-1', NOW - 60_000),
    view('p-2', 'sku-2', NOW - 30_000),
    {
      ...view('p-3', 'sku-2', NOW - 10_000),
      eventType: 'add_to_cart',
      quantity: 2,
      price: 40,
      categoryPath: undefined,
    } as unknown as StorefrontEvent,
  ].map((event) => JSON.parse(JSON.stringify(event)) as StorefrontEvent);

  beforeAll(async () => {
    await Promise.all([publisher.connect(), redis.connect()]);
    app = await createHttpApp(preprocessorService, config);
    await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([publisher.disconnect(), redis.disconnect()]);
  });

  const userViews = async () =>
    decodeUserFeatures(await store.readUser('u_alice'), Date.now()).counts.view;

  it('turns events on events.raw.v1 into feature values', async () => {
    await publisher.publish(
      'events.raw.v1',
      events.map((event) => ({ key: 'u_alice', value: event })),
    );
    await waitFor(
      async () => ((await store.readUser('u_alice')).profile['n:cart'] === '1' ? true : undefined),
      { description: 'cart applied' },
    );

    const user = decodeUserFeatures(await store.readUser('u_alice'), NOW);
    expect(user.counts).toMatchObject({ view: 2, cart: 1 });
    expect(user.sequence).toEqual(['sku-2', 'sku-2', 'sku-1']);
    expect(user.categoryAffinity[0]).toEqual({ name: 'Garden > Tools', score: 1 });
    const item = decodeItemFeatures('sku-2', (await store.readItems(['sku-2'])).get('sku-2')!, NOW);
    expect(item.counts).toMatchObject({ view: 1, cart: 1 });
    expect(await store.coVisitation('sku-1', 5)).toEqual([{ itemId: 'sku-2', weight: 4 }]);
  });

  it('emits point-in-time training examples: features from before each outcome', async () => {
    const examplesIn = (records: readonly ReadRecord[]) =>
      records.flatMap((record) => expandTrainingExamples(record.json as TrainingExamplesV2));
    const records = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physicalTopicName('training.examples.v2', namespace.topicPrefix),
      // Three labelled events, each a positive and one negative (FEATURE_NEGATIVE_SAMPLES=1).
      count: 6,
      until: (read) => examplesIn(read).length >= 6,
    });
    const examples = examplesIn(records);
    expect(examples).toHaveLength(6);
    const cart = examples.find((example) => example.outcome === 'add_to_cart')!;
    expect(cart).toMatchObject({
      userKey: 'u_alice',
      itemId: 'sku-2',
      label: 1,
      featureSpecVersion: 1,
      qualityFlagged: false,
    });
    // before the cart event the user had viewed sku-1 then sku-2 (sequence most recent last), never carted
    expect(cart.sequence).toEqual(['sku-1', 'sku-2']);
    expect(cart.features['user.views_total']).toBeCloseTo(Math.log1p(2), 10);
    expect(cart.features['item.carts_total']).toBe(0);
    const firstView = examples.find((example) => example.exampleId.startsWith('p-1:'))!;
    expect(firstView.features['user.known']).toBe(0);
    expect(examples.some((example) => example.label === 0)).toBe(true);
  });

  it('changes nothing when the same events arrive again', async () => {
    const before = await store.readUser('u_alice');
    await publisher.publish(
      'events.raw.v1',
      events.map((event) => ({ key: 'u_alice', value: event })),
    );
    await publisher.publish('events.raw.v1', [
      { key: 'u_alice', value: view('p-4', 'sku-3', NOW - 5_000) },
    ]);
    await waitFor(async () => ((await userViews()) === 3 ? true : undefined), {
      description: 'p-4 applied',
    });
    const after = await store.readUser('u_alice');
    expect(after.profile['n:cart']).toBe(before.profile['n:cart']);
    expect(after.sequence).toEqual(['sku-3', ...before.sequence]);
  });

  it('dead-letters malformed, contract-breaking and implausible events with their reasons and keeps going', async () => {
    const rawTopic = physicalTopicName('events.raw.v1', namespace.topicPrefix);
    await writeRawMessages({
      brokers: environment.kafkaBrokers,
      topic: rawTopic,
      messages: [
        { key: 'u_alice', value: '{"eventId":' },
        {
          key: 'u_alice',
          value: JSON.stringify({ ...view('bad-schema', 'sku-1', NOW), quantity: 'two' }),
        },
        { key: 'u_alice', value: JSON.stringify(view('bad-future', 'sku-1', NOW + 86_400_000)) },
        { key: 'u_alice', value: JSON.stringify(view('p-5', 'sku-4', NOW - 1_000)) },
      ],
    });
    await waitFor(async () => ((await userViews()) === 4 ? true : undefined), {
      description: 'p-5 applied after poison',
    });
    const records = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physicalTopicName('events.dlq.v1', namespace.topicPrefix),
      count: 3,
    });
    expect(records.map((record) => (record.json as DeadLetterV1).reason)).toEqual([
      'malformed_json',
      'schema_violation',
      'timestamp_out_of_range',
    ]);
    expect(records[2]!.json).toMatchObject({
      eventId: 'bad-future',
      service: 'preprocessor',
      source: { topic: rawTopic },
    });
  });

  it('records the window data-quality counts in Redis and reports ready', async () => {
    const windowStart = NOW - (NOW % config.quality.windowMs);
    const counts = await store.qualityWindow(windowStart);
    const later = await store.qualityWindow(windowStart + config.quality.windowMs);
    const total = {
      total: counts.total + later.total,
      invalid: counts.invalid + later.invalid,
      duplicate: counts.duplicate + later.duplicate,
    };
    expect(total).toEqual({ total: 11, invalid: 3, duplicate: 3 });
    const ready = await fetch(`${await app.getUrl()}/health/ready`);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { kafka: 'up', redis: 'up', consumer: 'up' },
    });
    const metrics = await (await fetch(`${await app.getUrl()}/metrics`)).text();
    expect(metrics).toMatch(
      /preprocessor_events_total\{outcome="applied",service="preprocessor"\} 5/,
    );
    expect(metrics).toMatch(
      /preprocessor_dead_letters_total\{reason="malformed_json",service="preprocessor"\} 1/,
    );
  });

  it('resumes after what the store holds, not the committed offset: writes Redis lost are replayed', async () => {
    const before = decodeUserFeatures(await store.readUser('u_alice'), NOW);
    expect(before.counts.view).toBeGreaterThan(0);
    await app.close();
    // Redis comes back without the writes (here all of them; an AOF without its last second loses a tail).
    await store.deleteAll();
    app = await createHttpApp(preprocessorService, config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    await waitFor(
      async () =>
        decodeUserFeatures(await store.readUser('u_alice'), NOW).counts.view === before.counts.view
          ? true
          : undefined,
      { description: 'the events replayed from Kafka', timeoutMs: 60_000 },
    );
    const after = decodeUserFeatures(await store.readUser('u_alice'), NOW);
    expect(after.counts).toEqual(before.counts);
    expect(after.sequence).toEqual(before.sequence);
  });

  it('keeps catalogue items from catalog.items.v1, newest version winning', async () => {
    const item = {
      itemId: 'sku-9',
      schemaVersion: 1 as const,
      title: 'Spade',
      categoryPath: ['Garden', 'Tools'],
      brand: 'Dig',
      price: 25,
      currency: 'EUR',
      availability: 'in_stock' as const,
      updatedAt: iso(NOW),
    };
    await publisher.publish('catalog.items.v1', [
      { key: 'sku-9', value: item },
      { key: 'sku-9', value: { ...item, price: 99, updatedAt: iso(NOW - 86_400_000) } },
    ]);
    await waitFor(
      async () => ((await store.readItems(['sku-9'])).get('sku-9')?.['title'] ? true : undefined),
      { description: 'catalogue item' },
    );
    expect((await store.readItems(['sku-9'])).get('sku-9')).toMatchObject({
      price: '25',
      brand: 'Dig',
      cat: 'Garden > Tools',
    });
  });
});
