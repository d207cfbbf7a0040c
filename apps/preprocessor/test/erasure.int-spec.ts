/**
 * The erasure API of the preprocessor in process, on the real broker and Redis: erasing a shopper by
 * storefront user id removes their data and not another's, answers and stores a receipt, announces on
 * privacy.erasures.v1; the shopper's events that keep arriving — during the erasure and replayed later —
 * are skipped (counted `erased`, not dead-lettered, no training examples); a second request says so.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  erasureReceiptV1Schema,
  physicalTopicName,
  type ErasureReceiptV1,
  type StorefrontEvent,
  expandTrainingExamples,
  type TrainingExamplesV2,
  type UserErasedV1,
} from '@recsys/contracts';
import {
  ErasureStore,
  ErasureSubjects,
  FeatureStore,
  RedisConnection,
  featureKeys,
  privacyKeys,
} from '@recsys/feature-store';
import { pseudonymiseUserId } from '@recsys/features';
import { KafkaClient, KafkaPublisher } from '@recsys/kafka';
import { createHttpApp } from '@recsys/platform';
import {
  integrationEnvironment,
  readTopic,
  serviceEnv,
  testNamespace,
  waitFor,
} from '@recsys/testing';
import { loadPreprocessorConfig } from '../src/config';
import { formatDuration } from '../src/privacy/erasure-receipt';
import { preprocessorService } from '../src/service';

const ADMIN = 'preprocessor-erasure-admin-0123456789';
const PSEUDONYMS = 'collector-pseudonymisation-0123456789';
const TOMBSTONES = 'privacy-tombstone-secret-0123456789';
const ALICE = pseudonymiseUserId(PSEUDONYMS, 'alice');
const BOB = pseudonymiseUserId(PSEUDONYMS, 'bob');
const NOW = Date.now();

let counter = 0;
function view(userKey: string, itemId: string, overrides: Partial<StorefrontEvent> = {}) {
  counter += 1;
  return {
    eventId: `e-${counter}`,
    schemaVersion: 1,
    eventType: 'product_view',
    userId: userKey,
    sessionId: `s-${userKey}`,
    timestamp: new Date(NOW - 600_000 + counter).toISOString(),
    receivedAt: new Date(NOW).toISOString(),
    itemId,
    price: 20,
    currency: 'EUR',
    categoryPath: ['Garden', 'Tools'],
    ...overrides,
  } as StorefrontEvent;
}

describe('erasure through the preprocessor’s API on a real broker and Redis', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('pp-erasure');
  const env = {
    ...serviceEnv(environment, namespace),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    KAFKA_TOPIC_PARTITIONS: '1',
    FEATURE_NEGATIVE_SAMPLES: '1',
    PREPROCESSOR_BATCH_SIZE: '20',
    ADMIN_TOKEN: ADMIN,
    PREPROCESSOR_PSEUDONYMISATION_SECRET: PSEUDONYMS,
    PRIVACY_TOMBSTONE_SECRET: TOMBSTONES,
  };
  const config = loadPreprocessorConfig(env);
  const kafka = new KafkaClient(config.kafka);
  const publisher = new KafkaPublisher(kafka);
  const redis = new RedisConnection(config.redis);
  const store = new FeatureStore(redis, config.featureStore);
  const subject = new ErasureSubjects(TOMBSTONES).subjectOf(ALICE);
  let app: NestFastifyApplication;
  let url: string;

  const topic = (name: Parameters<typeof physicalTopicName>[0]) =>
    physicalTopicName(name, namespace.topicPrefix);
  const keysOf = (userKey: string) => new ErasureStore(redis, store.subjects).keysLeftOf(userKey);
  const viewsOf = async (userKey: string) =>
    Number((await store.readUser(userKey)).profile['n:view'] ?? 0);

  async function erase(body: unknown, token = ADMIN): Promise<Response> {
    return fetch(`${url}/v1/privacy/erasures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  }

  async function topicSize(name: string): Promise<number> {
    const admin = kafka.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(name);
      return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** Publishes events, then one of Bob's, and waits for Bob's: everything before it was processed. */
  async function publishAndDrain(events: StorefrontEvent[]): Promise<void> {
    const bobViews = await viewsOf(BOB);
    await publisher.publish('events.raw.v1', [
      ...events.map((event) => ({ key: event.userId!, value: event })),
      { key: BOB, value: view(BOB, 'sku-9') },
    ]);
    await waitFor(async () => ((await viewsOf(BOB)) > bobViews ? true : undefined), {
      description: 'marker event applied',
    });
  }

  beforeAll(async () => {
    await Promise.all([publisher.connect(), redis.connect()]);
    app = await createHttpApp(preprocessorService, config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = await app.getUrl();
    await publishAndDrain([
      view(ALICE, 'sku-1'),
      view(ALICE, 'sku-2'),
      view(BOB, 'sku-1'),
      view(ALICE, 'sku-2', {
        eventType: 'add_to_cart',
        quantity: 1,
        categoryPath: undefined,
      } as Partial<StorefrontEvent>),
    ]);
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([publisher.disconnect(), redis.disconnect()]);
  });

  let first: ErasureReceiptV1;

  it('refuses a request without the admin token or with a bad body, with stable codes', async () => {
    const unauthorised = await erase({ userId: 'alice' }, 'wrong-token-0123456789');
    expect(unauthorised.status).toBe(401);
    expect(await unauthorised.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const invalid = await erase({ userId: 'alice', anonymousId: 'device-1' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 'REQUEST_INVALID' } });
    const unknown = await fetch(
      `${url}/v1/privacy/erasures/er-00000000-0000-0000-0000-000000000000`,
      {
        headers: { authorization: `Bearer ${ADMIN}` },
      },
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'ERASURE_UNKNOWN' } });
    // Nothing was erased: the shopper's packed state and guard are still there.
    expect(await keysOf(ALICE)).toEqual(
      expect.arrayContaining([featureKeys.userState(ALICE), featureKeys.userGuard(ALICE)]),
    );
  });

  it('erases the shopper while their events keep arriving, and answers with a receipt', async () => {
    const bobBefore = await store.readUser(BOB);
    // Alice's history keeps streaming in (received before the erasure) while the erasure runs.
    const streaming = Array.from({ length: 200 }, (_, index) => view(ALICE, `sku-${index % 7}`));
    const publishing = (async () => {
      for (let start = 0; start < streaming.length; start += 20)
        await publisher.publish(
          'events.raw.v1',
          streaming.slice(start, start + 20).map((event) => ({ key: ALICE, value: event })),
        );
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await erase({
      userId: 'alice',
      reason: 'GDPR art. 17 #1',
      requestedBy: 'dpo',
    });
    await publishing;
    expect(response.status).toBe(200);
    first = erasureReceiptV1Schema.parse(await response.json());
    expect(await store.readUser(BOB)).toEqual(bobBefore);
    await publishAndDrain([]);

    expect(await keysOf(ALICE)).toEqual([]);
    expect(first).toMatchObject({
      subject,
      identity: 'user',
      outcome: 'erased',
      reason: 'GDPR art. 17 #1',
      requestedBy: 'dpo',
      tombstone: { created: true, erasures: 1, consentRefusalCarried: false },
      announcement: { topic: topic('privacy.erasures.v1'), partition: 0 },
    });
    const removed = Object.fromEntries(first.removed.map((entry) => [entry.kind, entry]));
    expect(removed['user_features']).toMatchObject({ keys: 1, entries: 1 });
    const raw = first.retained.find((entry) => entry.where === `kafka topic events.raw.v1`)!;
    expect(raw.retentionMs).toBeGreaterThan(0);
    expect(raw.until).toContain(formatDuration(raw.retentionMs!));
    expect(JSON.stringify(first)).not.toContain(ALICE);
    expect(await redis.client.hget(privacyKeys.tombstone(subject), 'req')).toBe(first.requestId);
  });

  it('announces the erasure on privacy.erasures.v1 under the subject only', async () => {
    const [record] = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: topic('privacy.erasures.v1'),
      count: 1,
    });
    expect(record!.key).toBe(subject);
    expect(record!.offset).toBe(first.announcement.offset);
    expect(record!.json as UserErasedV1).toEqual({
      schemaVersion: 1,
      requestId: first.requestId,
      subject,
      erasedAt: first.erasedAt,
    });
  });

  it('skips the shopper’s old events replayed later: no features, no dead letters, no examples', async () => {
    const examplesBefore = await topicSize(topic('training.examples.v2'));
    const deadBefore = await topicSize(topic('events.dlq.v1'));
    const replayed = [view(ALICE, 'sku-1'), view(ALICE, 'sku-3'), view(ALICE, 'sku-4')];
    await publishAndDrain(replayed);

    expect(await keysOf(ALICE)).toEqual([]);
    expect(await topicSize(topic('events.dlq.v1'))).toBe(deadBefore);
    const records = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: topic('training.examples.v2'),
      count: await topicSize(topic('training.examples.v2')),
    });
    const replayedIds = new Set(replayed.map((event) => event.eventId));
    const examples = records.flatMap((record) =>
      expandTrainingExamples(record.json as TrainingExamplesV2),
    );
    expect(examples.length).toBeGreaterThan(0);
    expect(examples.filter((example) => replayedIds.has(example.exampleId.split(':')[0]!))).toEqual(
      [],
    );
    // Only Bob's marker event made examples since.
    const since = records
      .slice(examplesBefore)
      .flatMap((record) => expandTrainingExamples(record.json as TrainingExamplesV2));
    expect(since.every((example) => example.userKey === BOB)).toBe(true);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /preprocessor_events_total\{outcome="erased",service="preprocessor"\} \d+/,
    );
  });

  it('answers a second request idempotently and serves the stored receipts', async () => {
    const response = await erase({ userId: 'alice' });
    const second = erasureReceiptV1Schema.parse(await response.json());
    expect(second).toMatchObject({
      subject,
      outcome: 'nothing_found',
      tombstone: {
        created: false,
        erasures: 2,
        previous: { requestId: first.requestId, erasedAt: first.erasedAt },
      },
    });
    expect(second.removed.every((entry) => entry.keys === 0)).toBe(true);
    for (const receipt of [first, second]) {
      const stored = await fetch(`${url}/v1/privacy/erasures/${receipt.requestId}`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(await stored.json()).toEqual(receipt);
    }
  });
});
