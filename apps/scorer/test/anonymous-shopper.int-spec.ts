/**
 * An anonymous shopper as the pipeline now sees them: the collector writes their events under the
 * keyed pseudonym of the anonymous id (and of the session id), the preprocessor keys features by it, and
 * the scorer — asked with the raw anonymous id — must derive the same pseudonym to find them. The
 * impression it logs carries the pseudonyms too: no raw id reaches `events.raw.v1` from the scorer.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { physicalTopicName, type StorefrontEvent } from '@recsys/contracts';
import { FeatureStore, RedisConnection } from '@recsys/feature-store';
import { pseudonymiseAnonymousId, pseudonymiseSessionId, updatePlanOf } from '@recsys/features';
import { integrationEnvironment, readTopic, testNamespace } from '@recsys/testing';
import { scorerTestConfig, startScorerApp } from './scorer-test-app';

const SECRET = 'anonymous-pseudonymisation-secret';
const DEVICE = 'device-cookie-b81e-raw';
const SESSION = 'session-visit-30fa-raw';
const ITEMS = Array.from({ length: 8 }, (_, index) => `sku-${index}`);

/** A view as the collector writes it to `events.raw.v1`: both ids pseudonymised. */
function collectedViewOf(itemId: string, index: number): StorefrontEvent {
  return {
    eventId: `anonymous-view-${index}`,
    schemaVersion: 1,
    eventType: 'product_view',
    anonymousId: pseudonymiseAnonymousId(SECRET, DEVICE),
    sessionId: pseudonymiseSessionId(SECRET, SESSION),
    timestamp: new Date(Date.now() - 60_000 + index).toISOString(),
    itemId,
    price: 10,
  };
}

describe('scorer and an anonymous shopper', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('scorer-anonymous');
  const config = scorerTestConfig(environment, namespace, {
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
    const views = ITEMS.slice(0, 3).map((itemId, index) => collectedViewOf(itemId, index));
    await store.apply({ plans: views.map((event) => ({ plan: updatePlanOf(event) })) });
    ({ app, baseUrl } = await startScorerApp(config));
  });

  afterAll(async () => {
    await app.close();
    await redis.disconnect();
  });

  it('finds the anonymous shopper by the pseudonym of the raw id and logs only pseudonyms', async () => {
    const path = `/v1/recommendations/${DEVICE}?anonymous=true&k=4&sessionId=${SESSION}&requestId=anon-look`;
    const response = await fetch(`${baseUrl}${path}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ requestId: 'anon-look', personalized: true });

    const [impression] = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physicalTopicName('events.raw.v1', namespace.topicPrefix),
      count: 1,
      timeoutMs: 30_000,
    });
    expect(impression!.key).toBe(pseudonymiseAnonymousId(SECRET, DEVICE));
    expect(impression!.json).toMatchObject({
      eventType: 'recommendation_impression',
      requestId: 'anon-look',
      anonymousId: pseudonymiseAnonymousId(SECRET, DEVICE),
      sessionId: pseudonymiseSessionId(SECRET, SESSION),
    });
    const written = [impression!.key, impression!.value, JSON.stringify(impression!.headers)];
    for (const rawId of [DEVICE, SESSION]) expect(written.join('\n')).not.toContain(rawId);
  });
});
