/**
 * What the scorer's answers say about themselves, over HTTP on real Redis and Kafka, with no model
 * trained: a re-rank without a model is not passed off as a personal ranking (`no_model`, scores 0), the
 * popularity arm of an experiment is not personalised, and the protocol answers are the documented ones
 * (405 with Allow, 415 for a body that is not JSON, 201 with Location when a PUT creates an experiment).
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { degradedReasons, type StorefrontEvent } from '@recsys/contracts';
import { assignArm, type Experiment } from '@recsys/experiments';
import { FeatureStore, RedisConnection } from '@recsys/feature-store';
import { pseudonymiseUserId, updatePlanOf } from '@recsys/features';
import { integrationEnvironment, testNamespace } from '@recsys/testing';
import { buildScorerOpenApiDocument } from '../src/docs/openapi';
import { servedResponseSchema } from '../src/docs/scorer-responses';
import { scorerTestConfig, startScorerApp } from './scorer-test-app';

const ADMIN_TOKEN = 'protocol-admin-token-0123456789';
const SECRET = 'protocol-pseudonymisation-secret';
const ITEMS = Array.from({ length: 12 }, (_, index) => `sku-${index}`);
const SHOPPERS = Array.from({ length: 12 }, (_, index) => `protocol-shopper-${index}`);

const experiment: Experiment = {
  id: 'protocol-ab',
  description: 'champion against popularity',
  status: 'running',
  arms: [
    { name: 'popularity', share: 0.5, strategy: { kind: 'popularity' } },
    { name: 'model', share: 0.5, strategy: { kind: 'model', modelVersion: 'champion' } },
  ],
  controlArm: 'popularity',
  placements: ['home'],
  primaryMetric: 'ctr',
  guardrails: { minImpressionsPerArm: 1, minUsersPerArm: 1, maxConversionDrop: 0, alpha: 0.05 },
  autoPromote: false,
  startedAt: '2026-11-29T10:00:00.000Z',
};

function viewsOf(shopper: string): StorefrontEvent[] {
  return ITEMS.slice(0, 4).map((itemId, index) => ({
    eventId: `protocol-view-${shopper}-${index}`,
    schemaVersion: 1,
    eventType: 'product_view',
    userId: pseudonymiseUserId(SECRET, shopper),
    sessionId: `protocol-session-${shopper}`,
    timestamp: new Date(Date.now() - 60_000 + index).toISOString(),
    itemId,
    price: 10,
  }));
}

/** A shopper with history in each arm of the experiment (bucketing is deterministic by user key). */
function shopperIn(arm: string): string {
  const found = SHOPPERS.find(
    (shopper) => assignArm(experiment, pseudonymiseUserId(SECRET, shopper)).name === arm,
  );
  if (found === undefined) throw new Error(`no test shopper falls into arm ${arm}`);
  return found;
}

describe('scorer answers and protocol', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('scorer-protocol');
  const config = scorerTestConfig(environment, namespace, {
    ADMIN_TOKEN,
    SCORER_PSEUDONYMISATION_SECRET: SECRET,
    // Generous: these tests check what an answer says, not latency (a busy machine must not degrade it).
    SCORER_RANKER_TIMEOUT_MS: '5000',
    SCORER_REQUEST_DEADLINE_MS: '10000',
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
    const views = SHOPPERS.flatMap(viewsOf);
    await store.apply({ plans: views.map((event) => ({ plan: updatePlanOf(event) })) });
    ({ app, baseUrl } = await startScorerApp(config));
  });

  afterAll(async () => {
    await app.close();
    await redis.disconnect();
  });

  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  async function call(
    method: string,
    path: string,
    input: { body?: unknown; contentType?: string; headers?: Record<string, string> } = {},
  ) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(input.body === undefined
          ? {}
          : { 'content-type': input.contentType ?? 'application/json' }),
        ...input.headers,
      },
      ...(input.body === undefined
        ? {}
        : { body: typeof input.body === 'string' ? input.body : JSON.stringify(input.body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      allow: response.headers.get('allow'),
      location: response.headers.get('location'),
      body: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown>,
    };
  }

  it('re-ranks without a model honestly: the given order, scores 0, degraded no_model, not personal', async () => {
    const shopper = SHOPPERS[0]!;
    const itemIds = ['sku-5', 'sku-1', 'unknown-sku', 'sku-3'];
    const ranked = await call('POST', '/v1/rank', { body: { userId: shopper, itemIds } });
    expect(ranked.status).toBe(200);
    expect(servedResponseSchema.safeParse(ranked.body).error).toBeUndefined();
    expect(ranked.body).toMatchObject({
      personalized: false,
      degraded: true,
      degradedReason: 'no_model',
    });
    const items = ranked.body['items'] as Array<{ itemId: string; score: number }>;
    // Known items in the given order, unknown ones after them.
    expect(items.map((item) => item.itemId)).toEqual(['sku-5', 'sku-1', 'sku-3', 'unknown-sku']);
    expect(items.map((item) => item.score)).toEqual([0, 0, 0, 0]);
    // A list of the shopper's own, from co-visitation of their history, is personal even without a model.
    const own = await call('GET', `/v1/recommendations/${shopper}?k=5`);
    expect(own.body).toMatchObject({ personalized: true, degraded: false });
  });

  it('creates an experiment with 201 and Location, replaces it with 200', async () => {
    const path = `/v1/experiments/${experiment.id}`;
    const created = await call('PUT', path, { body: experiment, headers: admin });
    expect(created).toMatchObject({ status: 201, location: path, body: { status: 'created' } });
    const replaced = await call('PUT', path, { body: experiment, headers: admin });
    expect(replaced).toMatchObject({ status: 200, location: null, body: { status: 'replaced' } });
  });

  it('says the popularity arm is not personalised, on both endpoints', async () => {
    const popular = shopperIn('popularity');
    const modelArm = shopperIn('model');
    const listed = await call('GET', `/v1/recommendations/${popular}?k=5&placement=home`);
    expect(listed.body).toMatchObject({
      arm: 'popularity',
      experimentId: experiment.id,
      personalized: false,
    });
    const ranked = await call('POST', '/v1/rank', {
      body: { userId: popular, itemIds: ['sku-5', 'sku-1'], placement: 'home' },
    });
    expect(ranked.body).toMatchObject({ arm: 'popularity', personalized: false, degraded: false });
    const control = await call('GET', `/v1/recommendations/${modelArm}?k=5&placement=home`);
    expect(control.body).toMatchObject({ arm: 'model', personalized: true });
  });

  it('answers a method a path does not declare with 405 and Allow; unknown paths stay 404', async () => {
    const cases: Array<[string, string, string]> = [
      ['DELETE', '/v1/rank', 'POST'],
      ['GET', '/v1/rank', 'POST'],
      ['POST', `/v1/experiments/${experiment.id}`, 'GET, HEAD, PUT'],
      ['DELETE', '/v1/recommendations/someone', 'GET, HEAD'],
      ['PUT', '/docs/openapi.json', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const answer = await call(method, path);
      expect({ method, path, status: answer.status, allow: answer.allow }).toEqual({
        method,
        path,
        status: 405,
        allow,
      });
      expect(answer.body).toMatchObject({
        error: { code: 'METHOD_NOT_ALLOWED', retriable: false },
      });
    }
    const unknown = await call('DELETE', '/v1/nothing-here');
    expect(unknown).toMatchObject({
      status: 404,
      allow: null,
      body: { error: { code: 'NOT_FOUND' } },
    });
  });

  it('refuses a text/plain body with 415 where OpenAPI promises it', async () => {
    const document = buildScorerOpenApiDocument();
    const operations: Array<[string, string, string]> = [
      ['POST', '/v1/rank', '/v1/rank'],
      ['PUT', `/v1/experiments/${experiment.id}`, '/v1/experiments/{id}'],
      ['POST', '/v1/offers', '/v1/offers'],
    ];
    for (const [method, path, documented] of operations) {
      const paths = document.paths as Record<string, Record<string, { responses: object }>>;
      expect(Object.keys(paths[documented]![method.toLowerCase()]!.responses)).toContain('415');
      const answer = await call(method, path, {
        body: JSON.stringify({ userId: 'u', itemIds: ['sku-1'] }),
        contentType: 'text/plain',
        headers: admin,
      });
      expect({ path, status: answer.status, body: answer.body }).toEqual({
        path,
        status: 415,
        body: { error: expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' }) },
      });
    }
  });

  it('documents every degraded reason as a closed enum', () => {
    const schema = buildScorerOpenApiDocument().components.schemas['ServedResponse'] as {
      properties: Record<string, { enum?: string[] }>;
    };
    expect(schema.properties['degradedReason']?.enum).toEqual([...degradedReasons]);
  });
});
