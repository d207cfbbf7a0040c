/**
 * The operator's preview (`GET /v1/recommendations/{userId}/preview`, admin): the shopper's answer,
 * logged as no impression and counted nowhere — against real Kafka and Redis, with impression logging on.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { physicalTopicName, type StorefrontEvent } from '@recsys/contracts';
import { FeatureStore, RedisConnection } from '@recsys/feature-store';
import { pseudonymiseUserId, updatePlanOf } from '@recsys/features';
import { integrationEnvironment, readTopic, testNamespace } from '@recsys/testing';
import { scorerTestConfig, startScorerApp } from './scorer-test-app';

const ADMIN_TOKEN = 'preview-admin-token-0123456789';
const SECRET = 'preview-pseudonymisation-secret';
const SHOPPER = 'preview-shopper';
const ITEMS = Array.from({ length: 12 }, (_, index) => `sku-${index}`);

function viewOf(itemId: string, index: number): StorefrontEvent {
  return {
    eventId: `preview-view-${index}`,
    schemaVersion: 1,
    eventType: 'product_view',
    userId: pseudonymiseUserId(SECRET, SHOPPER),
    sessionId: 'preview-session',
    timestamp: new Date(Date.now() - 60_000 + index).toISOString(),
    itemId,
    price: 10,
  };
}

describe('scorer preview for operators', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('scorer-preview');
  const config = scorerTestConfig(environment, namespace, {
    ADMIN_TOKEN,
    SCORER_PSEUDONYMISATION_SECRET: SECRET,
    SCORER_LOG_IMPRESSIONS: 'true',
  });
  const redis = new RedisConnection(config.redis);
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    await redis.connect();
    const store = new FeatureStore(redis);
    for (const [index, itemId] of ITEMS.entries()) {
      await store.upsertItem({
        itemId,
        schemaVersion: 1,
        title: `Item ${index}`,
        categoryPath: ['Shop', `Cat ${index % 3}`],
        price: 10 + index,
        currency: 'EUR',
        availability: 'in_stock',
        updatedAt: new Date().toISOString(),
      });
    }
    const views = ITEMS.slice(0, 4).map((itemId, index) => viewOf(itemId, index));
    await store.apply({ plans: views.map((event) => ({ plan: updatePlanOf(event) })) });
    ({ app, baseUrl } = await startScorerApp(config));
  });

  afterAll(async () => {
    await app.close();
    await redis.disconnect();
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const servedCount = async (): Promise<number> => {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith('scorer_requests_total{'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };

  it('refuses the preview without the admin token, before reading the query', async () => {
    const missing = await get(`/v1/recommendations/${SHOPPER}/preview?k=5`);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const wrong = await get(`/v1/recommendations/${SHOPPER}/preview?k=nonsense`, {
      authorization: `Bearer ${ADMIN_TOKEN}x`,
    });
    expect(wrong.status).toBe(401);
  });

  it('answers as the shopper would be answered, logs no impression and counts no request', async () => {
    const countedBefore = await servedCount();
    const preview = await get(
      `/v1/recommendations/${SHOPPER}/preview?k=5&requestId=preview-look&placement=console-preview`,
      admin,
    );
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ requestId: 'preview-look', personalized: true });
    expect((preview.body['items'] as unknown[]).length).toBe(5);
    expect(await servedCount()).toBe(countedBefore);

    // The shopper's own request afterwards is logged; the impressions share the user's partition, so
    // once it has arrived, a logged preview would have arrived before it.
    const served = await get(`/v1/recommendations/${SHOPPER}?k=5&requestId=shopper-look`);
    expect(served.status).toBe(200);
    expect(await servedCount()).toBe(countedBefore + 1);
    const records = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physicalTopicName('events.raw.v1', namespace.topicPrefix),
      count: 1,
      timeoutMs: 30_000,
    });
    const impressions = records.map((record) => record.json as { requestId?: string });
    expect(impressions.map((event) => event.requestId)).toEqual(['shopper-look']);
  });
});
