/**
 * The scorer's A/B attribution and an erased shopper, on a real Redis: what the shopper did before the
 * erasure is never attributed, whether it is judged by event time (late or replayed events) or by
 * receipt time (an event stamped ahead of the clock that reached the platform before the erasure and is
 * attributed after it); what they do afterwards is a new history and counts.
 */
import type { StorefrontEvent } from '@recsys/contracts';
import { parseExperiment } from '@recsys/experiments';
import {
  ErasureStore,
  ErasureSubjects,
  ExperimentStore,
  RedisConnection,
  defaultExperimentStoreSettings,
  experimentKeys,
} from '@recsys/feature-store';
import { integrationEnvironment, testNamespace } from '@recsys/testing';
import { AttributeEventUseCase } from '../src/experiments/attribute-event.usecase';

const SECRET = 'attribution-erasure-tombstone-secret';
const SHOPPER = 'u_attribution_erased';
const MINUTE = 60_000;

function impressionOf(requestId: string, times: { atMs: number; receivedAtMs?: number }) {
  return {
    eventId: `imp-${requestId}`,
    schemaVersion: 1,
    eventType: 'recommendation_impression',
    userId: SHOPPER,
    sessionId: 'sess_attribution',
    timestamp: new Date(times.atMs).toISOString(),
    ...(times.receivedAtMs === undefined
      ? {}
      : { receivedAt: new Date(times.receivedAtMs).toISOString() }),
    requestId,
    modelVersion: 'champion',
    arm: 'b',
    experimentId: 'exp-erasure',
    items: [{ itemId: 'sku-1', position: 0 }],
  } satisfies StorefrontEvent;
}

function purchaseOf(eventId: string, times: { atMs: number; receivedAtMs: number }) {
  return {
    eventId,
    schemaVersion: 1,
    eventType: 'purchase',
    userId: SHOPPER,
    sessionId: 'sess_attribution',
    timestamp: new Date(times.atMs).toISOString(),
    receivedAt: new Date(times.receivedAtMs).toISOString(),
    orderId: `order-${eventId}`,
    currency: 'EUR',
    revenue: 10,
    items: [{ itemId: 'sku-1', quantity: 1, price: 10 }],
  } satisfies StorefrontEvent;
}

describe('A/B attribution of an erased shopper', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('scorer-attribution-erasure');
  const redis = new RedisConnection({
    url: environment.redisUrl,
    keyPrefix: namespace.redisKeyPrefix,
    connectTimeoutMs: 2_000,
  });
  const store = new ExperimentStore(redis, {
    ...defaultExperimentStoreSettings,
    tombstoneSecret: SECRET,
  });
  const outcomes: string[] = [];
  const attribution = new AttributeEventUseCase(store, {
    attribution: (kind, outcome) => outcomes.push(`${kind}:${outcome}`),
    countedForArm: () => undefined,
  });
  let erasedAtMs: number;

  beforeAll(async () => {
    await redis.connect();
    await store.create(
      parseExperiment({
        id: 'exp-erasure',
        description: 'a against b',
        status: 'draft',
        arms: [
          { name: 'a', share: 0.5, strategy: { kind: 'popularity' } },
          { name: 'b', share: 0.5, strategy: { kind: 'model', modelVersion: 'champion' } },
        ],
        controlArm: 'a',
        primaryMetric: 'ctr',
        guardrails: {
          minImpressionsPerArm: 1,
          minUsersPerArm: 1,
          maxConversionDrop: 0.5,
          alpha: 0.05,
        },
        autoPromote: false,
      }),
    );
    await store.setStatus('exp-erasure', 'running', Date.now() - 60 * MINUTE);
    const erasures = new ErasureStore(redis, new ErasureSubjects(SECRET));
    const erased = await erasures.erase({ userKey: SHOPPER, requestId: 'er-attribution' });
    erasedAtMs = erased.tombstone.erasedAtMs;
  });

  afterAll(async () => {
    await redis.disconnect();
  });

  const exposed = async () =>
    redis.client.sismember(experimentKeys.exposedUsers('exp-erasure', 'b'), SHOPPER);

  it('skips an event received before the erasure though it is stamped after it', async () => {
    outcomes.length = 0;
    const ahead = erasedAtMs + 2 * MINUTE;
    const before = erasedAtMs - 1_000;
    // Accepted by the collector before the erasure, attributed after it by a lagging consumer.
    await attribution.execute(
      impressionOf('ahead-1', { atMs: ahead, receivedAtMs: before }),
      Date.now(),
    );
    await attribution.execute(
      purchaseOf('buy-ahead', { atMs: ahead, receivedAtMs: before }),
      Date.now(),
    );
    // The scorer's own impression (no receivedAt): the broker stored it before the erasure.
    await attribution.execute(impressionOf('ahead-2', { atMs: ahead }), before);
    expect(outcomes).toEqual(['impression:erased', 'purchase:erased', 'impression:erased']);
    expect(await exposed()).toBe(0);
  });

  it('skips a late or replayed event of the erased history by its event time', async () => {
    outcomes.length = 0;
    const old = { atMs: erasedAtMs - 5 * MINUTE, receivedAtMs: erasedAtMs + MINUTE };
    await attribution.execute(impressionOf('replayed', old), Date.now());
    expect(outcomes).toEqual(['impression:erased']);
    expect(await exposed()).toBe(0);
  });

  it('never takes a receipt time later than the broker stored the event', async () => {
    outcomes.length = 0;
    const times = { atMs: erasedAtMs + 2 * MINUTE, receivedAtMs: erasedAtMs + 3 * MINUTE };
    await attribution.execute(impressionOf('claims-late-receipt', times), erasedAtMs - 1_000);
    expect(outcomes).toEqual(['impression:erased']);
  });

  it('attributes what the shopper does after the erasure: a new history', async () => {
    outcomes.length = 0;
    const after = { atMs: erasedAtMs + MINUTE, receivedAtMs: erasedAtMs + MINUTE };
    await attribution.execute(impressionOf('new-history', after), after.receivedAtMs);
    expect(outcomes).toEqual(['impression:counted']);
    expect(await exposed()).toBe(1);
  });
});
