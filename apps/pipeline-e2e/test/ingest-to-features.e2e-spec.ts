/**
 * The ingestion half of the loop, black box: a storefront posts events to the collector (its own
 * process), the preprocessor (its own process) turns them into features in Redis. Checked against a
 * ledger of what the collector accepted: while the preprocessor is killed with SIGKILL mid-stream and
 * restarted, nothing is lost and nothing is counted twice; replaying everything changes nothing;
 * malformed events end in the dead-letter topic with their reasons.
 */
import { physicalTopicName, type DeadLetterV1, type StorefrontEvent } from '@recsys/contracts';
import { FeatureStore, RedisConnection, featureKeys } from '@recsys/feature-store';
import { pseudonymiseUserId, stateLimits } from '@recsys/features';
import { KafkaClient } from '@recsys/kafka';
import {
  buildServices,
  integrationEnvironment,
  readTopic,
  runServiceCommand,
  serviceEnv,
  startServiceProcess,
  testKafkaConfig,
  testNamespace,
  waitFor,
  type ServiceProcess,
} from '@recsys/testing';

const SECRET = 'e2e-pseudonymisation-secret';
const WRITE_KEY = 'e2e-write-key-0123456789abcdef';
const USERS = 40;
const EVENTS = 4_000;
const BATCH = 100;
type Counted = 'view' | 'cart' | 'purchase';

/** Deterministic storefront traffic: mostly views, some carts and single-line purchases. */
function storefrontEvents(): StorefrontEvent[] {
  const start = Date.now() - 60 * 60_000;
  return Array.from({ length: EVENTS }, (_, index) => {
    const user = `shopper-${index % USERS}`;
    const itemId = `sku-${(index * 7919) % 97}`;
    const base = {
      eventId: `e2e-${index}`,
      schemaVersion: 1,
      userId: user,
      sessionId: `session-${index % USERS}-${Math.floor(index / 400)}`,
      timestamp: new Date(start + index * 500).toISOString(),
    };
    if (index % 10 === 3)
      return { ...base, eventType: 'add_to_cart', itemId, quantity: 1, price: 20, currency: 'EUR' };
    if (index % 25 === 7)
      return {
        ...base,
        eventType: 'purchase',
        orderId: `o-${index}`,
        currency: 'EUR',
        revenue: 20,
        items: [{ itemId, quantity: 1, price: 20 }],
      };
    return { ...base, eventType: 'product_view', itemId, price: 20, currency: 'EUR' };
  }) as StorefrontEvent[];
}

const COUNTED: Partial<Record<StorefrontEvent['eventType'], Counted>> = {
  product_view: 'view',
  add_to_cart: 'cart',
  purchase: 'purchase',
};

describe('collector → Kafka → preprocessor → Redis, end to end', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('e2e-ingest');
  const shared = {
    ...serviceEnv(environment, namespace),
    LOG_LEVEL: 'warn',
    KAFKA_TOPIC_PARTITIONS: '3',
  };
  const collectorEnv = {
    ...shared,
    COLLECTOR_WRITE_KEYS: JSON.stringify([
      { storefront: 'e2e', key: WRITE_KEY, allowedOrigins: [] },
    ]),
    COLLECTOR_PSEUDONYMISATION_SECRET: SECRET,
    COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND: '1000000',
  };
  // The broker's minimum session timeout: a killed instance's partitions move on after 6 s, not 30 s.
  const preprocessorEnv = {
    ...shared,
    PREPROCESSOR_BATCH_SIZE: '100',
    PREPROCESSOR_SESSION_TIMEOUT_MS: '6000',
  };
  const redis = new RedisConnection({
    url: environment.redisUrl,
    keyPrefix: namespace.redisKeyPrefix,
    connectTimeoutMs: 2_000,
  });
  const store = new FeatureStore(redis);
  const kafka = new KafkaClient(testKafkaConfig(environment.kafkaBrokers, namespace, 'e2e'));
  const events = storefrontEvents();
  const ledger = new Map<string, Record<Counted, number>>();
  let collector: ServiceProcess;
  let preprocessor: ServiceProcess;

  beforeAll(async () => {
    await buildServices(['collector', 'preprocessor']);
    await redis.connect();
    collector = await startServiceProcess({ name: 'collector', env: collectorEnv });
    preprocessor = await startServiceProcess({ name: 'preprocessor', env: preprocessorEnv });
  });

  afterAll(async () => {
    await Promise.all([collector?.stop(), preprocessor?.stop()]);
    await redis.disconnect();
  });

  async function post(
    batch: unknown[],
  ): Promise<{ accepted: number; rejected: Array<{ index: number; reason: string }> }> {
    const response = await fetch(`${collector.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': WRITE_KEY },
      body: JSON.stringify({ events: batch }),
    });
    if (response.status !== 202 && response.status !== 400)
      throw new Error(`collector answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as {
      accepted: number;
      rejected: Array<{ index: number; reason: string }>;
    };
  }

  function record(event: StorefrontEvent): void {
    const counted = COUNTED[event.eventType];
    if (counted === undefined) return;
    const key = pseudonymiseUserId(SECRET, event.userId!);
    const entry = ledger.get(key) ?? { view: 0, cart: 0, purchase: 0 };
    entry[counted] += 1;
    ledger.set(key, entry);
  }

  async function postAll(pauseMs: number): Promise<void> {
    for (let start = 0; start < events.length; start += BATCH) {
      const batch = events.slice(start, start + BATCH);
      const result = await post(batch);
      const rejected = new Set(result.rejected.map((entry) => entry.index));
      batch.forEach((event, index) => rejected.has(index) || record(event));
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  async function storedCounts(): Promise<Map<string, Record<Counted, number>>> {
    const counts = new Map<string, Record<Counted, number>>();
    for (const userKey of ledger.keys()) {
      const { profile } = await store.readUser(userKey);
      counts.set(userKey, {
        view: Number(profile['n:view'] ?? 0),
        cart: Number(profile['n:cart'] ?? 0),
        purchase: Number(profile['n:purchase'] ?? 0),
      });
    }
    return counts;
  }

  /** True once the preprocessor's stored offsets reached the end of every raw partition. */
  async function caughtUp(): Promise<boolean> {
    const admin = kafka.kafka.admin();
    await admin.connect();
    try {
      const topic = physicalTopicName('events.raw.v1', namespace.topicPrefix);
      const ends = await admin.fetchTopicOffsets(topic);
      for (const { partition, high } of ends) {
        const stored = await store.storedOffset(topic, partition);
        if (Number(high) > 0 && Number(stored ?? -1) + 1 < Number(high)) return false;
      }
      return true;
    } finally {
      await admin.disconnect();
    }
  }

  it('counts every accepted event exactly once although the preprocessor is killed -9 mid-stream', async () => {
    const posting = postAll(20);
    const kills: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      await preprocessor.stop('SIGKILL');
      kills.push(Date.now());
      preprocessor = await startServiceProcess({ name: 'preprocessor', env: preprocessorEnv });
    }
    await posting;
    expect(kills).toHaveLength(3);
    expect(
      [...ledger.values()].reduce(
        (sum, entry) => sum + entry.view + entry.cart + entry.purchase,
        0,
      ),
    ).toBe(EVENTS);

    await waitFor(async () => ((await caughtUp()) ? true : undefined), {
      description: 'preprocessor caught up',
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    expect(await storedCounts()).toEqual(ledger);
  });

  it('changes no feature when a client posts each user’s latest events again (a retried batch)', async () => {
    const before = await storedCounts();
    const sampleUser = [...ledger.keys()][0]!;
    const sequenceBefore = (await store.readUser(sampleUser)).sequence;
    // The newest events of each user within the re-post window (stateLimits.dedupeWindowEvents).
    const perUser = new Map<string, typeof events>();
    for (const event of events)
      perUser.set(event.userId ?? '', [...(perUser.get(event.userId ?? '') ?? []), event]);
    const again = [...perUser.values()].flatMap((own) =>
      own.slice(-stateLimits.dedupeWindowEvents),
    );
    for (let start = 0; start < again.length; start += 500)
      await post(again.slice(start, start + 500));
    await waitFor(async () => ((await caughtUp()) ? true : undefined), {
      description: 'replay consumed',
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    expect(await storedCounts()).toEqual(before);
    expect((await store.readUser(sampleUser)).sequence).toEqual(sequenceBefore);
  });

  it('rebuilds the same features from Kafka, the source of truth, after the store is wiped', async () => {
    const before = await storedCounts();
    await preprocessor.stop();
    const keysBefore = (await redis.scanKeys(`${featureKeys.root}*`)).length;
    const output = await runServiceCommand({
      name: 'preprocessor',
      args: ['rebuild'],
      env: preprocessorEnv,
    });
    const report = (JSON.parse(output) as { rebuild: { deletedKeys: number } }).rebuild;
    expect(report.deletedKeys).toBe(keysBefore);
    expect(keysBefore).toBeGreaterThan(100);
    expect((await storedCounts()).get([...ledger.keys()][0]!)).toEqual({
      view: 0,
      cart: 0,
      purchase: 0,
    });

    preprocessor = await startServiceProcess({ name: 'preprocessor', env: preprocessorEnv });
    await waitFor(async () => ((await caughtUp()) ? true : undefined), {
      description: 'rebuild consumed',
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    expect(await storedCounts()).toEqual(before);
  });

  it('rejects malformed events at the door and dead-letters them with reasons', async () => {
    const good = { ...events[0]!, eventId: 'e2e-good-after-bad' };
    const result = await post([
      {
        ...events[1]!,
        eventId: 'e2e-bad-price',
        eventType: 'add_to_cart',
        quantity: 1,
        price: -3,
        currency: 'EUR',
      },
      { eventType: 'page_view' },
      good,
    ]);
    expect(result.accepted).toBe(1);
    expect(result.rejected.map((entry) => [entry.index, entry.reason])).toEqual([
      [0, 'schema_violation'],
      [1, 'schema_violation'],
    ]);
    const deadLetters = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physicalTopicName('events.dlq.v1', namespace.topicPrefix),
      count: 2,
    });
    const bad = deadLetters
      .map((entry) => entry.json as DeadLetterV1)
      .find((letter) => letter.eventId === 'e2e-bad-price');
    expect(bad).toMatchObject({
      reason: 'schema_violation',
      service: 'collector',
      issues: [expect.objectContaining({ path: 'price' })],
    });
    // the raw user id never leaves the collector, not even inside a dead letter
    expect(bad!.payload).not.toContain('shopper-1');
  });
});
