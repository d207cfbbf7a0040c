/**
 * Property tests of the scorer's HTTP API, in process on real Kafka and Redis, with a catalogue and
 * shoppers whose histories are generated (views, carts and purchases in any proportion). Requests come
 * from the OpenAPI document's own schemas (valid ones must succeed, each answer must match its
 * documented schema) and are broken in one place or replaced by garbage (must be refused with a 4xx and
 * a stable code); admin operations are tried with and without the token. Never a 5xx.
 * Failures print fast-check's seed and path; PROPERTY_SEED / PROPERTY_RUNS_FACTOR replay or enlarge.
 */
import fc from 'fast-check';
import type { z } from 'zod';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  componentRef,
  errorResponseV1Schema,
  queryParameters,
  recommendationQueryV1Schema,
  type JsonSchema,
  type StorefrontEvent,
} from '@recsys/contracts';
import type { Experiment } from '@recsys/experiments';
import { FeatureStore, RedisConnection } from '@recsys/feature-store';
import { pseudonymiseUserId, updatePlanOf } from '@recsys/features';
import {
  arbitraryFromJsonSchema,
  integrationEnvironment,
  mutationsOf,
  nastyText,
  propertyParameters,
  testNamespace,
} from '@recsys/testing';
import { buildScorerOpenApiDocument } from '../src/docs/openapi';
import {
  conclusionSchema,
  experimentListSchema,
  experimentReportResponseSchema,
  experimentSavedSchema,
  offerAnswerSchema,
  offerOutcomesSchema,
  servedResponseSchema,
} from '../src/docs/scorer-responses';
import { scorerTestConfig, startScorerApp } from './scorer-test-app';

// Each property makes a few hundred HTTP calls against the real stores.
jest.setTimeout(300_000);

const SECRET = 'property-pseudonymisation-secret';
const ADMIN_TOKEN = 'property-admin-token-0123456789';
const ITEMS = Array.from({ length: 40 }, (_, index) => `sku-${index}`);
const SHOPPERS = Array.from({ length: 30 }, (_, index) => `shopper-${index}`);

interface Answer {
  status: number;
  body: unknown;
}

const document = buildScorerOpenApiDocument();
const root = document as unknown as JsonSchema;
const component = (name: string) => componentRef(name);
const fromDocument = (name: string) => arbitraryFromJsonSchema(component(name), { root });

/** The shoppers' histories: any mix of views, carts and purchases, some heavy. */
const histories = fc.array(
  fc.record({
    shopper: fc.constantFrom(...SHOPPERS),
    behaviour: fc.constantFrom('product_view', 'add_to_cart', 'purchase'),
    item: fc.constantFrom(...ITEMS),
    repeat: fc.integer({ min: 1, max: 40 }),
    hoursAgo: fc.integer({ min: 0, max: 24 * 60 }),
  }),
  { minLength: 10, maxLength: 30 },
);

function eventOf(input: {
  shopper: string;
  behaviour: string;
  item: string;
  index: number;
  hoursAgo: number;
}): StorefrontEvent {
  const base = {
    eventId: `seed-${input.shopper}-${input.item}-${input.index}-${input.behaviour}`,
    schemaVersion: 1 as const,
    userId: pseudonymiseUserId(SECRET, input.shopper),
    sessionId: `s-${input.shopper}`,
    timestamp: new Date(Date.now() - input.hoursAgo * 3_600_000 - input.index).toISOString(),
  };
  if (input.behaviour === 'product_view') {
    return { ...base, eventType: 'product_view', itemId: input.item, price: 10 };
  }
  if (input.behaviour === 'add_to_cart') {
    return {
      ...base,
      eventType: 'add_to_cart',
      itemId: input.item,
      quantity: 1,
      price: 10,
      currency: 'EUR',
    };
  }
  return {
    ...base,
    eventType: 'purchase',
    orderId: base.eventId,
    items: [{ itemId: input.item, quantity: 1, price: 10 }],
    currency: 'EUR',
    revenue: 10,
  };
}

/** A valid experiment: unique arm names, shares summing to 1, a control among the arms. */
const experiments = fc
  .record({
    id: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,40}$/),
    arms: fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/), {
      minLength: 2,
      maxLength: 5,
    }),
    status: fc.constantFrom('draft', 'running', 'stopped'),
    description: nastyText({ maxLength: 100 }),
    placements: fc.option(fc.array(fc.constantFrom('home', 'pdp', 'cart'), { minLength: 1 }), {
      nil: undefined,
    }),
  })
  .map(({ id, arms, status, description, placements }): Experiment => {
    const shares = arms.map((_, index) => (index === 0 ? 1 - (arms.length - 1) * 0.1 : 0.1));
    return {
      id,
      description,
      status,
      arms: arms.map((name, index) => ({
        name,
        share: shares[index]!,
        strategy:
          index === 0 ? { kind: 'popularity' } : { kind: 'model', modelVersion: 'champion' },
      })),
      controlArm: arms[0]!,
      ...(placements === undefined ? {} : { placements }),
      primaryMetric: 'ctr',
      guardrails: {
        minImpressionsPerArm: 0,
        minUsersPerArm: 0,
        maxConversionDrop: 0.02,
        alpha: 0.05,
      },
      autoPromote: false,
      ...(status === 'draft' ? {} : { startedAt: new Date().toISOString() }),
    };
  });

describe('scorer HTTP under generated input (properties)', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('scorer-props');
  const config = scorerTestConfig(environment, namespace, {
    ADMIN_TOKEN,
    SCORER_PSEUDONYMISATION_SECRET: SECRET,
    SCORER_EXPERIMENTS_REFRESH_MS: '200',
  });
  const redis = new RedisConnection(config.redis);
  const store = new FeatureStore(redis);
  let app: NestFastifyApplication;
  let baseUrl: string;

  async function seed(
    history: Array<{
      shopper: string;
      behaviour: string;
      item: string;
      repeat: number;
      hoursAgo: number;
    }>,
  ) {
    const events = history.flatMap((entry) =>
      Array.from({ length: entry.repeat }, (_, index) => eventOf({ ...entry, index })),
    );
    await store.apply({ plans: events.map((event) => ({ plan: updatePlanOf(event) })) });
  }
  beforeAll(async () => {
    await redis.connect();
    for (const [index, itemId] of ITEMS.entries()) {
      await store.upsertItem({
        itemId,
        schemaVersion: 1,
        title: `Item ${index} ${['👨‍👩‍👧‍👦', 'שלום', '<b>x</b>'][index % 3]}`,
        categoryPath: ['Shop', `Cat ${index % 4}`],
        price: 5 + index,
        currency: 'EUR',
        availability: index % 7 === 0 ? 'out_of_stock' : 'in_stock',
        updatedAt: new Date().toISOString(),
      });
    }
    await seed(fc.sample(histories, { seed: 20_261_129, numRuns: 1 })[0]!);
    ({ app, baseUrl } = await startScorerApp(config));
  });

  afterAll(async () => {
    await app.close();
    await redis.disconnect();
  });

  async function call(input: {
    method: string;
    path: string;
    body?: string;
    headers?: Record<string, string>;
  }): Promise<Answer> {
    const response = await fetch(`${baseUrl}${input.path}`, {
      method: input.method,
      headers: {
        ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...input.headers,
      },
      ...(input.body === undefined ? {} : { body: input.body }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // an answer that is not JSON fails the shape checks below
    }
    return { status: response.status, body };
  }

  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  /** Never a 5xx; a 2xx matches its documented schema, anything else is the error body with a code. */
  function expectAnswer(answer: Answer, success: z.ZodType): void {
    expect(answer.status).toBeLessThan(500);
    if (answer.status < 300) {
      expect(success.safeParse(answer.body).error).toBeUndefined();
      return;
    }
    expect(errorResponseV1Schema.safeParse(answer.body).error).toBeUndefined();
    expect((answer.body as { error: { code: string } }).error.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
  }

  it('answers any valid recommendation query with a documented list, and garbage with a 400', async () => {
    const parameters = queryParameters(recommendationQueryV1Schema);
    const validQuery = arbitraryFromJsonSchema(
      {
        type: 'object',
        properties: Object.fromEntries(parameters.map((p) => [p['name'], p['schema']])),
      },
      { maxStringLength: 20 },
    );
    const garbageQuery = fc.dictionary(
      fc.oneof(
        fc.constantFrom('k', 'exclude', 'items', 'anonymous', '__proto__', 'constructor'),
        nastyText({ maxLength: 10 }),
      ),
      nastyText({ maxLength: 40 }),
      { maxKeys: 4 },
    );
    const userIds = nastyText({ maxLength: 60 }).filter(
      (id) =>
        id.length > 0 && id.length <= 128 && !/[\u0000-\u001f\u007f]/.test(id) && isEncodable(id),
    );
    await fc.assert(
      fc.asyncProperty(
        userIds,
        fc.oneof(
          validQuery.map((query) => ({ query, valid: true })),
          garbageQuery.map((query) => ({ query, valid: false })),
        ),
        async (userId, { query, valid }) => {
          const search = new URLSearchParams(
            Object.entries(query as Record<string, unknown>).map(
              ([key, value]): [string, string] => [key, String(value)],
            ),
          );
          const answer = await call({
            method: 'GET',
            path: `/v1/recommendations/${encodeURIComponent(userId)}?${search.toString()}`,
          });
          expectAnswer(answer, servedResponseSchema);
          // Valid queries must succeed; garbage only must not crash (checked above).
          expect({ status: answer.status, body: answer.body }).toMatchObject(
            valid ? { status: 200 } : {},
          );
        },
      ),
      propertyParameters(60),
    );
  });

  it('re-ranks any valid list, returning every distinct item; refuses broken bodies with issues', async () => {
    const requests = fromDocument('RankRequestV1');
    const broken = requests.chain(
      (request) =>
        mutationsOf(component('RankRequestV1'), request, { root })?.map((m) => m.value) ??
        fc.constant(null),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          requests.map((body) => ({ body, valid: true })),
          broken.map((body) => ({ body, valid: false })),
        ),
        async ({ body, valid }) => {
          const answer = await call({
            method: 'POST',
            path: '/v1/rank',
            body: JSON.stringify(body),
          });
          expectAnswer(answer, servedResponseSchema);
          expect(answer.status).toBe(valid ? 200 : 400);
          // Every distinct requested item comes back (nothing of a refused request).
          const wanted = valid ? (body as { itemIds: string[] }).itemIds : [];
          const served = ((answer.body as { items?: Array<{ itemId: string }> }).items ?? []).map(
            (item) => item.itemId,
          );
          expect(new Set(wellFormedAll(served))).toEqual(new Set(wellFormedAll(wanted)));
        },
      ),
      propertyParameters(60),
    );
  });

  it('answers random bodies, content types and sizes on every body endpoint with < 500', async () => {
    const endpoints = fc.constantFrom(
      { method: 'POST', path: '/v1/rank' },
      { method: 'POST', path: '/v1/offers' },
      { method: 'PUT', path: '/v1/experiments/exp-1' },
      { method: 'POST', path: '/v1/experiments/exp-1/conclude' },
    );
    const bodies = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
      nastyText({ maxLength: 100 }),
      fc.constantFrom(
        '',
        '{',
        `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
        `"${'x'.repeat(1_100_000)}"`,
        '{"__proto__":{"polluted":1}}',
        '{"constructor":{"prototype":{"polluted":1}}}',
      ),
    );
    const contentTypes = fc.constantFrom(
      'application/json',
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          endpoint: endpoints,
          body: bodies,
          contentType: contentTypes,
          withToken: fc.boolean(),
        }),
        async ({ endpoint, body, contentType, withToken }) => {
          const answer = await call({
            ...endpoint,
            body,
            headers: { 'content-type': contentType, ...(withToken ? admin : {}) },
          });
          expectAnswer(
            answer,
            servedResponseSchema
              .or(offerAnswerSchema)
              .or(experimentSavedSchema)
              .or(conclusionSchema),
          );
          expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        },
      ),
      propertyParameters(80),
    );
  });

  it('guards every admin operation: no or a wrong token is a 401 with a code, whatever the body', async () => {
    const tokens = fc.oneof(
      fc.constant<string | undefined>(undefined),
      fc.constantFrom(
        'Bearer ',
        `Bearer ${ADMIN_TOKEN}x`,
        ADMIN_TOKEN,
        `Basic ${ADMIN_TOKEN}`,
        `bearer ${ADMIN_TOKEN.toUpperCase()}`,
      ),
      fc
        .string({ unit: 'binary-ascii', maxLength: 30 })
        .filter((text) => /^[\x21-\x7e]+$/.test(text))
        .map((text) => `Bearer ${text}`),
    );
    const operations = fc.constantFrom(
      { method: 'PUT', path: '/v1/experiments/exp-guarded', body: '{}' },
      { method: 'POST', path: '/v1/experiments/exp-guarded/conclude' },
      {
        method: 'POST',
        path: '/v1/offers',
        body: '{"campaignId":"c","userIds":["u"],"budget":{"maxCoupons":1}}',
      },
    );
    await fc.assert(
      fc.asyncProperty(operations, tokens, async (operation, token) => {
        const answer = await call({
          ...operation,
          headers: token === undefined ? {} : { authorization: token },
        });
        expectAnswer(answer, conclusionSchema);
        expect(answer.status).toBe(401);
      }),
      propertyParameters(40),
    );
  });

  it('stores any valid experiment, reports on it and concludes it; refuses broken ones with a 400', async () => {
    const broken = experiments.chain(
      (experiment) =>
        mutationsOf(component('Experiment'), experiment, { root })?.map((m) => m.value) ??
        fc.constant(null),
    );
    await fc.assert(
      fc.asyncProperty(experiments, broken, async (experiment, invalid) => {
        const path = `/v1/experiments/${encodeURIComponent(experiment.id)}`;
        const saved = await call({
          method: 'PUT',
          path,
          body: JSON.stringify(experiment),
          headers: admin,
        });
        expectAnswer(saved, experimentSavedSchema);
        expect(saved.status).toBe(
          (saved.body as { status: string }).status === 'created' ? 201 : 200,
        );
        expectAnswer(
          await call({ method: 'GET', path }),
          experimentReportResponseSchema.shape.experiment,
        );
        const report = await call({ method: 'GET', path: `${path}/report` });
        expectAnswer(report, experimentReportResponseSchema);
        expect(report.status).toBe(200);
        const concluded = await call({ method: 'POST', path: `${path}/conclude`, headers: admin });
        expectAnswer(concluded, conclusionSchema);
        const refused = await call({
          method: 'PUT',
          path,
          body: JSON.stringify(invalid),
          headers: admin,
        });
        expectAnswer(refused, experimentSavedSchema);
        expect(refused.status).toBe(400);
        expectAnswer(await call({ method: 'GET', path: '/v1/experiments' }), experimentListSchema);
      }),
      propertyParameters(30),
    );
  });

  it('answers unknown and malformed experiment and campaign ids with 400/404 and a code', async () => {
    const ids = nastyText({ maxLength: 80 }).filter((id) => id.length > 0 && isEncodable(id));
    await fc.assert(
      fc.asyncProperty(ids, fc.constantFrom('', '/report'), async (id, suffix) => {
        const experiment = await call({
          method: 'GET',
          path: `/v1/experiments/${encodeURIComponent(id)}${suffix}`,
        });
        expectAnswer(
          experiment,
          experimentReportResponseSchema.or(experimentReportResponseSchema.shape.experiment),
        );
        const campaign = await call({
          method: 'GET',
          path: `/v1/offers/${encodeURIComponent(id)}`,
        });
        expectAnswer(campaign, offerOutcomesSchema);
      }),
      propertyParameters(60),
    );
  });

  it('refuses a budget that caps spend without a coupon cost, naming the field (regression: a 500)', async () => {
    // Before OfferRequestV1 stated this rule, the request passed validation and selectOfferRecipients
    // threw a RangeError ("maxSpend needs couponCost") from inside the request: a 500.
    const answer = await call({
      method: 'POST',
      path: '/v1/offers',
      body: JSON.stringify({
        campaignId: 'c-regression',
        userIds: ['shopper-1'],
        budget: { maxCoupons: 1, maxSpend: 0 },
      }),
      headers: admin,
    });
    expect(answer).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'REQUEST_INVALID',
          details: { issues: [{ path: 'budget.maxSpend', message: 'maxSpend needs couponCost' }] },
        },
      },
    });
  });

  it('chooses offer recipients for any valid request over any shopper histories', async () => {
    const requests = fromDocument('OfferRequestV1').map((request) => ({
      ...(request as Record<string, unknown>),
      userIds: SHOPPERS.slice(0, 20),
    }));
    await fc.assert(
      fc.asyncProperty(histories, requests, async (history, request) => {
        await seed(history);
        const answer = await call({
          method: 'POST',
          path: '/v1/offers',
          body: JSON.stringify(request),
          headers: admin,
        });
        expectAnswer(answer, offerAnswerSchema);
        expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 200 });
        const campaignId = String((request as Record<string, unknown>)['campaignId']);
        const outcomes = await call({
          method: 'GET',
          path: `/v1/offers/${encodeURIComponent(campaignId)}`,
        });
        expectAnswer(outcomes, offerOutcomesSchema);
        expect(outcomes.status).toBe(200);
      }),
      propertyParameters(40),
    );
  });
});

/** A URL can carry only well-formed text: a lone surrogate cannot be percent-encoded. */
function isEncodable(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** Ids as the store keeps them: a lone surrogate becomes U+FFFD on its way through UTF-8. */
function wellFormedAll(ids: string[]): string[] {
  return ids.map((id) => Buffer.from(id, 'utf8').toString('utf8'));
}
