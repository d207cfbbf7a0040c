/**
 * Bad input at the HTTP door, generated: random JSON, mutated events, huge nesting, injection strings.
 * Every answer is a 2xx/4xx with a machine-readable body (never a 5xx or a hang), every event of a batch
 * is accounted for (accepted + rejected = sent), and the collector stays ready afterwards.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from '@recsys/platform';
import { integrationEnvironment, serviceEnv, testNamespace } from '@recsys/testing';
import { loadCollectorConfig } from '../src/config';
import { collectorService } from '../src/service';

const WRITE_KEY = 'fuzz-write-key-0123456789abcdef';
const valid = JSON.parse(
  readFileSync(
    join(__dirname, '../../../libs/contracts/src/__fixtures__/valid/add-to-cart.v1.json'),
    'utf8',
  ),
) as Record<string, unknown>;

interface BatchAnswer {
  accepted?: number;
  rejected?: Array<{ index: number; code: string; reason: string }>;
  error?: { code: string; message: string };
}

describe('collector under generated bad input', () => {
  const environment = integrationEnvironment();
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    const config = loadCollectorConfig({
      ...serviceEnv(environment, testNamespace('collector-fuzz')),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'fatal',
      COLLECTOR_MAX_BODY_BYTES: '65536',
      COLLECTOR_PSEUDONYMISATION_SECRET: 'fuzz-pseudonymisation-secret',
      COLLECTOR_WRITE_KEYS: JSON.stringify([
        { storefront: 'fuzz', key: WRITE_KEY, allowedOrigins: [] },
      ]),
      COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND: '1000000',
    });
    app = await createHttpApp(collectorService, config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  async function post(body: string): Promise<{ status: number; answer: BatchAnswer }> {
    const response = await fetch(`${baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': WRITE_KEY },
      body,
    });
    return { status: response.status, answer: (await response.json()) as BatchAnswer };
  }

  function expectAccountedFor(status: number, answer: BatchAnswer, sent: number): void {
    if (answer.rejected === undefined) {
      expect([400, 413]).toContain(status);
      expect(answer.error?.code).toMatch(/^[A-Z_]+$/);
      return;
    }
    expect(status).toBe(answer.accepted! > 0 ? 202 : 400);
    expect(answer.accepted! + answer.rejected.length).toBe(sent);
  }

  it('answers any JSON body with a 2xx/4xx and a reason, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), async (value) => {
        const { status, answer } = await post(JSON.stringify(value));
        expect(status).toBeLessThan(500);
        const sent = Array.isArray(value) ? value.length : 1;
        if (status !== 413) expectAccountedFor(status, answer, sent);
      }),
      { numRuns: 100 },
    );
  });

  it('accounts for every event of a batch of randomly broken events', async () => {
    const field = fc.constantFrom(...Object.keys(valid));
    const broken = fc
      .tuple(field, fc.jsonValue({ maxDepth: 2 }))
      .map(([key, value]) => ({ ...valid, [key]: value }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(broken, fc.constant(valid)), { minLength: 1, maxLength: 20 }),
        async (events) => {
          const batch = events.map((event, index) => ({
            ...event,
            eventId: `fuzz-${Date.now()}-${index}`,
          }));
          const { status, answer } = await post(JSON.stringify({ events: batch }));
          expect(status).toBeLessThan(500);
          expectAccountedFor(status, answer, batch.length);
          for (const rejection of answer.rejected ?? [])
            expect(rejection.reason).toMatch(/^[a-z_]+$/);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('takes injection strings and any unicode as plain data', async () => {
    const nasty = fc.oneof(
      fc.constantFrom(
        "'; DROP TABLE events; --",
        '<script>alert(1)</script>',
        '{{7*7}}',
        '${jndi:ldap://x/a}',
        '\u202eevil',
        '__proto__',
      ),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }),
    );
    await fc.assert(
      fc.asyncProperty(nasty, async (text) => {
        const { status, answer } = await post(
          JSON.stringify({ ...valid, eventId: `x-${Date.now()}`, cartId: text }),
        );
        expect(status).toBeLessThan(500);
        expectAccountedFor(status, answer, 1);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses deeply nested and non-JSON bodies cleanly and stays ready', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    for (const body of [deep, '{"events": [', '\u0000\u0001', 'null', '"just a string"']) {
      const { status, answer } = await post(body);
      expect([400, 413]).toContain(status);
      expect(answer.error?.code ?? answer.rejected?.[0]?.code).toBeDefined();
    }
    expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(200);
  });
});
