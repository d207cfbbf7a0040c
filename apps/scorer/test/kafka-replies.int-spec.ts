/**
 * The scorer's Kafka request/reply on real Kafka and Redis, read from the reply topic itself: a request
 * that breaks its contract but carries a request id gets an error reply under that id (it is not only
 * dead-lettered, leaving the requester waiting), and no reply names the shopper's raw user id — neither
 * in its key nor in its value.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  physicalTopicName,
  recommendationReplyV1Schema,
  type StorefrontEvent,
} from '@recsys/contracts';
import { FeatureStore, RedisConnection } from '@recsys/feature-store';
import { pseudonymiseUserId, updatePlanOf } from '@recsys/features';
import {
  integrationEnvironment,
  readAllRecords,
  testNamespace,
  waitFor,
  writeRawMessages,
  type ReadRecord,
} from '@recsys/testing';
import { scorerTestConfig, startScorerApp } from './scorer-test-app';

const SECRET = 'replies-pseudonymisation-secret';
const SHOPPER = 'raw-shopper-id-7781';
const ITEMS = Array.from({ length: 8 }, (_, index) => `sku-${index}`);

function viewOf(itemId: string, index: number): StorefrontEvent {
  return {
    eventId: `replies-view-${index}`,
    schemaVersion: 1,
    eventType: 'product_view',
    userId: pseudonymiseUserId(SECRET, SHOPPER),
    sessionId: 'replies-session',
    timestamp: new Date(Date.now() - 60_000 + index).toISOString(),
    itemId,
    price: 10,
  };
}

describe('scorer Kafka replies', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('scorer-replies');
  const config = scorerTestConfig(environment, namespace, {
    SCORER_PSEUDONYMISATION_SECRET: SECRET,
    SCORER_KAFKA_REQUESTS: 'true',
  });
  const requests = physicalTopicName('recommendations.requests.v1', namespace.topicPrefix);
  const replies = physicalTopicName('recommendations.v1', namespace.topicPrefix);
  const redis = new RedisConnection(config.redis);
  let app: NestFastifyApplication;

  const request = (requestId: string, overrides: Record<string, unknown> = {}) => ({
    schemaVersion: 1,
    requestId,
    userId: SHOPPER,
    k: 3,
    requestedAt: new Date().toISOString(),
    ...overrides,
  });
  const send = (messages: Array<{ key: string; value: string }>) =>
    writeRawMessages({ brokers: environment.kafkaBrokers, topic: requests, messages });
  const readReplies = () => readAllRecords({ brokers: environment.kafkaBrokers, topic: replies });
  const byRequestId = (records: readonly ReadRecord[], requestId: string) =>
    records.find((record) => (record.json as { requestId?: string }).requestId === requestId);

  beforeAll(async () => {
    await redis.connect();
    const store = new FeatureStore(redis);
    for (const [index, itemId] of ITEMS.entries()) {
      await store.upsertItem({
        itemId,
        schemaVersion: 1,
        title: `Item ${index}`,
        categoryPath: ['Shop', `Cat ${index % 2}`],
        price: 10 + index,
        currency: 'EUR',
        availability: 'in_stock',
        updatedAt: new Date().toISOString(),
      });
    }
    const views = ITEMS.slice(0, 3).map((itemId, index) => viewOf(itemId, index));
    await store.apply({ plans: views.map((event) => ({ plan: updatePlanOf(event) })) });
    ({ app } = await startScorerApp(config));
    // The consumer starts at the topic's end once it has joined: probe until a probe is answered, so
    // every request sent afterwards is read (no sleep that a busy machine could outlast).
    let probe = 0;
    await waitFor(
      async () => {
        probe += 1;
        await send([{ key: 'probe', value: JSON.stringify(request(`probe-${probe}`)) }]);
        const records = await readReplies();
        return records.some((record) => record.key?.startsWith('probe-')) ? true : undefined;
      },
      { description: 'the scorer answering a probe request', timeoutMs: 60_000, intervalMs: 500 },
    );
  }, 90_000);

  afterAll(async () => {
    await app.close();
    await redis.disconnect();
  });

  it('answers an invalid request that carries a request id with an error, and every reply without the raw user id', async () => {
    await send([
      // Breaks the contract (k over 100, an unknown field) but its request id can be read.
      { key: SHOPPER, value: JSON.stringify(request('bad-k', { k: 500, colour: 'red' })) },
      // No request id: nobody to answer; dead-lettered only.
      { key: SHOPPER, value: JSON.stringify({ ...request('x'), requestId: undefined }) },
      { key: SHOPPER, value: 'not json' },
      { key: SHOPPER, value: JSON.stringify(request('good-list')) },
      {
        key: SHOPPER,
        value: JSON.stringify(request('good-rank', { candidateItemIds: ['sku-4', 'sku-1'] })),
      },
    ]);
    const records = await waitFor(
      async () => {
        const all = await readReplies();
        const wanted = ['bad-k', 'good-list', 'good-rank'];
        return wanted.every((id) => byRequestId(all, id) !== undefined) ? all : undefined;
      },
      { description: 'the three replies', timeoutMs: 60_000, intervalMs: 500 },
    );

    const bad = byRequestId(records, 'bad-k')!;
    expect(bad.key).toBe('bad-k');
    expect(bad.json).toMatchObject({
      schemaVersion: 1,
      requestId: 'bad-k',
      error: { code: 'MESSAGE_INVALID', retriable: false },
    });
    expect((bad.json as { error: { message: string } }).error.message).toMatch(/\bk\b/);

    for (const id of ['good-list', 'good-rank']) {
      const reply = byRequestId(records, id)!;
      expect(reply.key).toBe(id);
      expect(reply.json).toMatchObject({ requestId: id });
      expect((reply.json as { items: unknown[] }).items.length).toBeGreaterThan(0);
    }
    // Every reply parses with the topic's contract, and none carries the raw id, keyed or in the value.
    for (const record of records) {
      expect(recommendationReplyV1Schema.safeParse(record.json).error).toBeUndefined();
      expect(record.key).not.toContain(SHOPPER);
      expect(record.value).not.toContain(SHOPPER);
    }
    // Only the requests with a readable id were answered (probes, the bad one, two good ones).
    expect(records.filter((record) => !record.key?.startsWith('probe-')).length).toBe(3);
  }, 90_000);
});
