/**
 * Property tests of the collector's HTTP door, in process on real Kafka and Redis. Events and items are
 * generated from the very JSON Schemas the OpenAPI document publishes (unicode edge cases, injection
 * strings and pollution keys included) and broken in one place at random; bodies, content types,
 * headers and sizes are random too. Properties:
 *  - every answer is < 500 with a typed body (IngestResult, or the error body with a stable code);
 *  - in a batch, exactly the broken entries are rejected (listed, dead-lettered), the rest accepted;
 *  - what was accepted is on the topic, intact (only the user, anonymous and session ids pseudonymised),
 *    and nothing else is:
 *    the topic holds exactly the accepted events, the dead-letter topic exactly the rejected ones.
 * Failures print fast-check's seed and path; PROPERTY_SEED / PROPERTY_RUNS_FACTOR replay or enlarge.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  componentRef,
  physicalTopicName,
  storefrontEventSchema,
  type JsonSchema,
} from '@recsys/contracts';
import { createHttpApp } from '@recsys/platform';
import {
  arbitraryFromJsonSchema,
  integrationEnvironment,
  mutationsOf,
  nastyText,
  propertyParameters,
  readTopic,
  serviceEnv,
  testNamespace,
  type Mutation,
} from '@recsys/testing';
import { loadCollectorConfig } from '../src/config';
import { buildOpenApiDocument } from '../src/docs/openapi';
import { errorBodySchema, ingestResultSchema } from '../src/ingest/ingest-response';
import { pseudonymiseEvent, pseudonymiserFor } from '../src/ingest/pseudonymise';
import { collectorService } from '../src/service';

const SECRET = 'property-pseudonymisation-secret';
const SERVER_KEY = 'property-server-key-0123456789';
const SHOP_KEY = 'property-shop-key-0123456789';
const SHOP_ORIGIN = 'https://shop.example';
const MAX_BODY_BYTES = 262_144;
const MAX_EVENT_BYTES = 32_768;

type Endpoint = '/v1/events' | '/v1/items';

interface Answer {
  status: number;
  body: unknown;
  contentType: string;
}

/** What the collector acknowledged, to check against the topics at the end. */
const ledger = {
  events: new Map<string, Record<string, unknown>>(),
  eventsAccepted: 0,
  items: new Map<string, Record<string, unknown>>(),
  itemsAccepted: 0,
  rejected: 0,
};

let sequence = 0;
const uniqueId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(sequence += 1)}`;

/** A purchase's revenue is the sum of its lines (the rule JSON Schema cannot state). */
function balanced(value: unknown): Record<string, unknown> {
  const event = value as Record<string, unknown> & { items?: Array<Record<string, number>> };
  if (event['eventType'] !== 'purchase' || !Array.isArray(event.items)) return event;
  const items = event.items.map((line): Record<string, number> => ({
    ...line,
    price: (line['price'] ?? 0) % 100,
  }));
  const revenue = items.reduce((sum, line) => sum + (line['quantity'] ?? 0) * line['price']!, 0);
  return { ...event, items, revenue };
}

/** One entry of a batch: valid (from the schema) or broken in one place. */
interface Entry {
  value: Record<string, unknown>;
  mutation?: Mutation;
}

function entries(
  component: string,
  document: { components: { schemas: Record<string, JsonSchema> } },
): fc.Arbitrary<Entry> {
  const root = document as unknown as JsonSchema;
  const schema = componentRef(component);
  const valid = arbitraryFromJsonSchema(schema, { root }).map(balanced);
  const broken = valid.chain(
    (value) =>
      mutationsOf(schema, value, { root })?.map((mutation) => ({ value, mutation })) ??
      fc.constant({ value }),
  );
  return fc.oneof(
    { weight: 3, arbitrary: valid.map((value) => ({ value })) },
    { weight: 1, arbitrary: broken },
  );
}

/** Gives every entry a fresh id (unless its break is the id itself), so the ledger can find it. */
function identified(entry: Entry, idField: 'eventId' | 'itemId'): unknown {
  const fresh = { ...entry.value, [idField]: uniqueId(idField) };
  if (entry.mutation === undefined) return fresh;
  if (entry.mutation.path[0] === idField) return entry.mutation.value;
  const value = entry.mutation.value as Record<string, unknown> | null;
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.assign(Object.create(null) as object, value, { [idField]: fresh[idField] })
    : value;
}

const bodyShapes = (field: 'events' | 'items', values: unknown[]) =>
  fc.constantFrom<unknown>(...(values.length === 1 ? [values[0]] : []), values, {
    [field]: values,
  });

describe('collector HTTP under generated input (properties)', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('collector-props');
  let app: NestFastifyApplication;
  let baseUrl: string;
  const document = buildOpenApiDocument({
    limits: {
      maxBatchEvents: 500,
      maxBatchItems: 500,
      maxBodyBytes: MAX_BODY_BYTES,
      maxEventBytes: MAX_EVENT_BYTES,
    },
    rateLimit: { eventsPerSecond: 1_000_000 },
  });

  beforeAll(async () => {
    const config = loadCollectorConfig({
      ...serviceEnv(environment, namespace),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'fatal',
      KAFKA_TOPIC_PARTITIONS: '2',
      COLLECTOR_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      COLLECTOR_MAX_EVENT_BYTES: String(MAX_EVENT_BYTES),
      COLLECTOR_PSEUDONYMISATION_SECRET: SECRET,
      COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND: '1000000',
      COLLECTOR_WRITE_KEYS: JSON.stringify([
        { storefront: 'server', key: SERVER_KEY },
        { storefront: 'shop', key: SHOP_KEY, allowedOrigins: [SHOP_ORIGIN] },
      ]),
    });
    app = await createHttpApp(collectorService, config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  async function send(input: {
    path: Endpoint;
    body: string | Uint8Array;
    headers: Record<string, string>;
  }): Promise<Answer> {
    const response = await fetch(`${baseUrl}${input.path}`, {
      method: 'POST',
      headers: input.headers,
      body: input.body,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // checked by the caller: every answer must be JSON
    }
    return {
      status: response.status,
      body,
      contentType: response.headers.get('content-type') ?? '',
    };
  }

  /** Every answer: < 500, JSON, and either an ingest result (2xx) or the error body with a code. */
  function expectTyped(answer: Answer): void {
    expect(answer.status).toBeLessThan(500);
    expect(answer.contentType).toMatch(/^application\/json/);
    if (answer.status < 300) {
      expect(ingestResultSchema.safeParse(answer.body).error).toBeUndefined();
      return;
    }
    const parsed = errorBodySchema.safeParse(answer.body);
    expect(parsed.error).toBeUndefined();
    expect(parsed.data?.error.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
  }

  /** Posts a batch; checks that exactly the broken entries were rejected; records the rest. */
  async function expectBatchAccountedFor(input: {
    path: Endpoint;
    batch: Entry[];
    sent: unknown[];
    body: unknown;
  }): Promise<void> {
    const answer = await send({
      path: input.path,
      body: JSON.stringify(input.body),
      headers: { 'content-type': 'application/json', 'x-write-key': SERVER_KEY },
    });
    expectTyped(answer);
    expect(answer.body).toHaveProperty('rejected');
    const result = answer.body as { accepted: number; rejected: Array<{ index: number }> };
    const broken = input.batch.flatMap((entry, index) => (entry.mutation ? [index] : []));
    expect({
      status: answer.status,
      rejected: result.rejected.map((rejection) => rejection.index).sort((a, b) => a - b),
      accepted: result.accepted,
      mutations: input.batch.map((entry) => entry.mutation?.description),
    }).toMatchObject({
      status: broken.length < input.batch.length ? 202 : 400,
      rejected: broken,
      accepted: input.batch.length - broken.length,
    });
    record(input.path, input.sent, broken);
  }

  function record(path: Endpoint, sent: unknown[], broken: number[]): void {
    ledger.rejected += broken.length;
    sent.forEach((value, index) => {
      if (broken.includes(index)) return;
      const entry = value as Record<string, unknown>;
      if (path === '/v1/events') ledger.events.set(entry['eventId'] as string, entry);
      else ledger.items.set(entry['itemId'] as string, entry);
    });
    if (path === '/v1/events') ledger.eventsAccepted += sent.length - broken.length;
    else ledger.itemsAccepted += sent.length - broken.length;
  }

  it('accepts exactly the valid events of a batch, rejects exactly the broken ones with reasons', async () => {
    const batches = fc.array(entries('StorefrontEventV1', document), {
      minLength: 1,
      maxLength: 12,
    });
    await fc.assert(
      fc.asyncProperty(
        batches.chain((batch) => {
          const sent = batch.map((entry) => identified(entry, 'eventId'));
          return bodyShapes('events', sent).map((body) => ({ batch, sent, body }));
        }),
        async ({ batch, sent, body }) =>
          expectBatchAccountedFor({ path: '/v1/events', batch, sent, body }),
      ),
      propertyParameters(60),
    );
  });

  it('accepts exactly the valid catalogue items of a batch, rejects exactly the broken ones', async () => {
    const batches = fc.array(entries('ItemUpsertedV1', document), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(
        batches.chain((batch) => {
          const sent = batch.map((entry) => identified(entry, 'itemId'));
          return bodyShapes('items', sent).map((body) => ({ batch, sent, body }));
        }),
        async ({ batch, sent, body }) =>
          expectBatchAccountedFor({ path: '/v1/items', batch, sent, body }),
      ),
      propertyParameters(30),
    );
  });

  it('refuses only the entry holding a __proto__ key, naming its path; the rest of the batch lands', async () => {
    // Regression (seed 20261129): a `__proto__` key anywhere failed the whole body as "not valid JSON"
    // (Fastify's prototype-poisoning guard), losing every valid event of the batch with it.
    const view = (eventId: string) => ({
      eventId,
      schemaVersion: 1,
      eventType: 'page_view',
      userId: 'u-proto',
      sessionId: 's-proto',
      timestamp: new Date().toISOString(),
      pageType: 'home',
    });
    const good = view(uniqueId('eventId'));
    const poisoned = `{"properties":{"__proto__":{"polluted":true},"ok":1},${JSON.stringify(
      view(uniqueId('eventId')),
    ).slice(1)}`;
    const topLevel = `{"__proto__":{"eventType":"purchase"},${JSON.stringify(view(uniqueId('eventId'))).slice(1)}`;
    const answer = await send({
      path: '/v1/events',
      body: `{"events":[${JSON.stringify(good)},${poisoned},${topLevel}]}`,
      headers: { 'content-type': 'application/json', 'x-write-key': SERVER_KEY },
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      accepted: 1,
      rejected: [
        {
          index: 1,
          reason: 'schema_violation',
          issues: [{ path: 'properties.__proto__', message: 'must not be __proto__' }],
        },
        { index: 2, reason: 'schema_violation', issues: [{ path: '__proto__' }] },
      ],
    });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    record('/v1/events', [good, {}, {}], [1, 2]);
  });

  const contentTypes = fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/json; charset=iso-8859-1',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    'application/json-patch+json',
    '',
    '*/*',
    'application/json; boundary=";;;"',
  );
  const writeKeys = fc.oneof(
    fc.constant<string | undefined>(SERVER_KEY),
    fc.constant<string | undefined>(undefined),
    fc.constantFrom('', ' ', `${SERVER_KEY} `, SHOP_KEY, 'x'.repeat(10_000), "' OR 1=1 --"),
    // What an HTTP client can send at all: printable ASCII (fetch trims surrounding blanks).
    fc.string({ unit: 'binary-ascii', maxLength: 40 }).filter((key) => /^[\x21-\x7e]*$/.test(key)),
  );
  const origins = fc.constantFrom(undefined, SHOP_ORIGIN, 'https://evil.example', 'null', '*');
  const bodies = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
    nastyText({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 300 }),
    fc.constantFrom(
      '',
      '{',
      '{"events": [',
      `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
      `{"events":${JSON.stringify(Array.from({ length: 501 }, () => ({})))}}`,
      JSON.stringify({
        __proto__: { polluted: true },
        constructor: { prototype: { polluted: 1 } },
      }),
      '{"__proto__": {"polluted": true}, "events": []}',
      JSON.stringify({ events: 'not-an-array' }),
      `"${'x'.repeat(MAX_BODY_BYTES + 1)}"`,
      '\u0000\u0001\u0002',
      'null',
      '1e999',
    ),
  );

  /** Counts what a random request got accepted or dead-lettered, for the final topic check. */
  function recordAnswer(path: Endpoint, answer: Answer): void {
    const body = answer.body as { accepted?: number; rejected?: unknown[] };
    const accepted = answer.status === 202 ? (body.accepted ?? 0) : 0;
    const rejected = body.rejected ?? [];
    if (path === '/v1/events') ledger.eventsAccepted += accepted;
    else ledger.itemsAccepted += accepted;
    ledger.rejected += rejected.length;
  }

  it('answers random bodies, content types, keys, origins and sizes with < 500 and a typed body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          path: fc.constantFrom<Endpoint>('/v1/events', '/v1/items'),
          body: bodies,
          contentType: contentTypes,
          key: writeKeys,
          origin: origins,
        }),
        async ({ path, body, contentType, key, origin }) => {
          const headers = headersOf({ contentType, key, origin });
          const answer = await send({ path, body, headers });
          expectTyped(answer);
          expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
          const known = key?.trim() === SERVER_KEY || key?.trim() === SHOP_KEY;
          // A request without a valid key is refused before its body is read, whatever it holds.
          expect(answer.status).toBe(known ? answer.status : 401);
          recordAnswer(path, answer);
        },
      ),
      propertyParameters(150),
    );
  });

  it('answers any method on any path (traversal, encodings, unicode) with < 500 and a typed body', async () => {
    const paths = fc.oneof(
      fc.constantFrom(
        '/v1/events/../../etc/passwd',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/v1/events%00',
        '/v1/%F0%9F%98%80',
        '/docs/openapi.json/..',
        '/health/ready?__proto__[polluted]=1',
        '/metrics?constructor.prototype.polluted=1',
        `/v1/${'a'.repeat(5_000)}`,
      ),
      // Text a URL can carry (a lone surrogate cannot be percent-encoded).
      nastyText({ maxLength: 60 })
        .map((text) => Buffer.from(text, 'utf8').toString('utf8'))
        .map((text) => `/${encodeURIComponent(text)}`),
    );
    const methods = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
    await fc.assert(
      fc.asyncProperty(paths, methods, fc.boolean(), async (path, method, withKey) => {
        const response = await fetch(`${baseUrl}${path}`, {
          method,
          headers: withKey ? { 'x-write-key': SERVER_KEY } : {},
        });
        const text = await response.text();
        expect(response.status).toBeLessThan(500);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        // HEAD has no body; a preflight without an Origin gets an empty 204/404; others say why.
        const typed = method === 'HEAD' || response.status < 400 || text.length === 0;
        expect(typed || errorBodySchema.safeParse(JSON.parse(text)).success).toBe(true);
      }),
      propertyParameters(80),
    );
  });

  it('answers malformed HTTP on a raw socket without crashing, and stays ready', async () => {
    const { port } = new URL(baseUrl);
    const rawRequests = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
      fc
        .constantFrom(
          'POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{"a":',
          'POST /v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n',
          `POST /v1/events HTTP/1.1\r\nHost: x\r\nX-Write-Key: ${'k'.repeat(20_000)}\r\n\r\n`,
          'POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
          'POST /v1/events HTTP/1.1\r\nHost: x\r\nX-Write-Key: a\u0000b\r\n\r\n',
          'GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n',
          'POST /v1/events?__proto__[polluted]=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n',
        )
        .map((text) => Buffer.from(text, 'latin1')),
    );
    await fc.assert(
      fc.asyncProperty(rawRequests, async (request) => {
        const status = await rawExchange(Number(port), request);
        expect(status === undefined || (status >= 400 && status < 500)).toBe(true);
      }),
      propertyParameters(40),
    );
    expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(200);
  });

  it('wrote exactly the accepted events and items to Kafka, intact, and dead-lettered every rejection', async () => {
    const raw = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physicalTopicName('events.raw.v1', namespace.topicPrefix),
      count: ledger.eventsAccepted,
      timeoutMs: 60_000,
    });
    expect(raw).toHaveLength(ledger.eventsAccepted);
    const written = new Map(
      raw.map((record) => [(record.json as { eventId: string }).eventId, record]),
    );
    for (const [eventId, sent] of ledger.events) {
      const record = written.get(eventId);
      const expected = pseudonymiseEvent(
        storefrontEventSchema.parse(JSON.parse(JSON.stringify(sent))),
        pseudonymiserFor(SECRET),
      ) as Record<string, unknown>;
      const { receivedAt: _received, ...rest } = record?.json as Record<string, unknown>;
      const { receivedAt: _sentReceived, ...sentRest } = expected;
      expect(rest).toEqual(sentRest);
    }
    const items = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physicalTopicName('catalog.items.v1', namespace.topicPrefix),
      count: ledger.itemsAccepted,
      timeoutMs: 60_000,
    });
    expect(items).toHaveLength(ledger.itemsAccepted);
    const itemIds = new Set(items.map((record) => (record.json as { itemId: string }).itemId));
    for (const itemId of ledger.items.keys()) expect(itemIds.has(itemId)).toBe(true);
    const deadLetters = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: physicalTopicName('events.dlq.v1', namespace.topicPrefix),
      count: ledger.rejected,
      timeoutMs: 60_000,
    });
    expect(deadLetters).toHaveLength(ledger.rejected);
    expect(ledger.events.size).toBeGreaterThan(50);
  });
});

function headersOf(input: {
  contentType: string;
  key: string | undefined;
  origin: string | undefined;
}): Record<string, string> {
  return {
    ...(input.contentType === '' ? {} : { 'content-type': input.contentType }),
    ...(input.key === undefined ? {} : { 'x-write-key': input.key }),
    ...(input.origin === undefined ? {} : { origin: input.origin }),
  };
}

/** Sends raw bytes and returns the status of the answer, or undefined when the server just closed. */
async function rawExchange(port: number, request: Buffer): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      resolve(status === undefined ? undefined : Number(status));
    });
    socket.write(request, (error) => (error ? reject(error) : socket.end()));
  });
}
