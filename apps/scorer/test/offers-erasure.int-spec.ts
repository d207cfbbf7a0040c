/**
 * `POST /v1/offers` never lists an erased shopper, on a real Redis: not one erased before the request
 * (whose features are gone), not one erased while the request runs (their features were read before the
 * erasure), while a shopper with a new history since their erasure is considered again.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OfferRequestV1, StorefrontEvent } from '@recsys/contracts';
import {
  ErasureStore,
  ErasureSubjects,
  ExperimentStore,
  FeatureStore,
  RedisConnection,
  RedisRecommendationReader,
  defaultExperimentStoreSettings,
  defaultFeatureStoreSettings,
  experimentKeys,
} from '@recsys/feature-store';
import { pseudonymiseUserId, updatePlanOf } from '@recsys/features';
import { integrationEnvironment, testNamespace } from '@recsys/testing';
import { OfferService, type OfferAnswer } from '../src/offers/offer.service';
import { scorerTestConfig, startScorerApp } from './scorer-test-app';

const PSEUDONYMS = 'offers-erasure-pseudonymisation-secret';
const TOMBSTONES = 'offers-erasure-tombstone-secret-01';
const ADMIN_TOKEN = 'offers-erasure-admin-token-0123456789';
const keyOf = (userId: string) => pseudonymiseUserId(PSEUDONYMS, userId);

let sequence = 0;
/** An active shopper's last day: views and carts, so their purchase propensity is far from 0. */
function historyOf(userId: string, startMs: number): StorefrontEvent[] {
  return Array.from({ length: 6 }, (_, index) => {
    sequence += 1;
    const base = {
      eventId: `offers-${sequence}`,
      schemaVersion: 1 as const,
      userId: keyOf(userId),
      sessionId: `sess_${userId}`,
      timestamp: new Date(startMs + index * 1_000).toISOString(),
      itemId: `sku-${index % 3}`,
    };
    return index % 2 === 0
      ? { ...base, eventType: 'product_view' as const, price: 20 }
      : { ...base, eventType: 'add_to_cart' as const, quantity: 1, price: 20, currency: 'EUR' };
  });
}

const listedIn = (answer: OfferAnswer) =>
  [...answer.recipients, ...answer.holdout].map((decision) => decision.userId).sort();

describe('offers and erased shoppers', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('scorer-offers-erasure');
  const config = scorerTestConfig(environment, namespace, {
    SCORER_PSEUDONYMISATION_SECRET: PSEUDONYMS,
    PRIVACY_TOMBSTONE_SECRET: TOMBSTONES,
    ADMIN_TOKEN,
  });
  const redis = new RedisConnection(config.redis);
  const features = new FeatureStore(redis, {
    ...defaultFeatureStoreSettings,
    tombstoneSecret: TOMBSTONES,
  });
  const erasures = new ErasureStore(redis, new ErasureSubjects(TOMBSTONES));
  let app: NestFastifyApplication;
  let baseUrl: string;

  const remember = async (userId: string, startMs: number) => {
    const plans = historyOf(userId, startMs).map((event) => ({
      plan: updatePlanOf(event),
      receivedAtMs: Date.parse(event.timestamp),
    }));
    await features.apply({ plans });
  };
  const erase = async (userId: string) =>
    erasures.erase({ userKey: keyOf(userId), requestId: `er-${userId}` });

  beforeAll(async () => {
    await redis.connect();
    const hourAgo = Date.now() - 3_600_000;
    for (const userId of ['alice', 'bob', 'carol', 'dave']) await remember(userId, hourAgo);
    await erase('alice');
    // Carol was erased and came back: what the store holds of her began after the erasure.
    const carolErased = await erase('carol');
    await remember('carol', carolErased.tombstone.erasedAtMs + 1_000);
    ({ app, baseUrl } = await startScorerApp(config));
  });

  afterAll(async () => {
    await app.close();
    await redis.disconnect();
  });

  const request = (campaignId: string): OfferRequestV1 => ({
    campaignId,
    userIds: ['alice', 'bob', 'carol'],
    budget: { maxCoupons: 100 },
    holdoutShare: 0,
  });

  it('lists no shopper erased before the request, and considers one with a new history', async () => {
    const response = await fetch(`${baseUrl}/v1/offers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify(request('erased-before')),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as OfferAnswer;
    expect(listedIn(answer)).toEqual(['bob', 'carol']);
    expect(answer.erased).toBe(1);
  });

  it('lists no shopper erased while the request runs, and logs no decision for them', async () => {
    const store = new ExperimentStore(redis, {
      ...defaultExperimentStoreSettings,
      tombstoneSecret: TOMBSTONES,
    });
    // Dave's erasure lands right after the scorer read his features.
    const reader = new RedisRecommendationReader(redis);
    const readUser = reader.readUser.bind(reader);
    reader.readUser = async (userKey) => {
      const stored = await readUser(userKey);
      if (userKey === keyOf('dave')) await erase('dave');
      return stored;
    };
    const offers = new OfferService(config, reader, store, redis);
    const answer = await offers.choose({ ...request('erased-during'), userIds: ['bob', 'dave'] });
    expect(listedIn(answer)).toEqual(['bob']);
    expect(answer.erased).toBe(1);
    const decisions = await redis.client.hkeys(experimentKeys.offerDecisions('erased-during'));
    expect(decisions).toEqual([keyOf('bob')]);
  });
});
