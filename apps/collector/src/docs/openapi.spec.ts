import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  contractSchemas,
  storefrontEventSchemas,
  type ContractName,
  type StorefrontEventType,
} from '@recsys/contracts';
import { openApiSchemaValidator } from '@recsys/testing';
import { buildOpenApiDocument, eventComponentName } from './openapi';

const FIXTURES = join(__dirname, '../../../../libs/contracts/src/__fixtures__');
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

const settings = {
  limits: { maxBatchEvents: 100, maxBatchItems: 50, maxBodyBytes: 512_000, maxEventBytes: 32_768 },
  rateLimit: { eventsPerSecond: 2_000 },
};

/** `page-view.v1` → `PageViewEventV1`; undefined for contracts the collector does not take. */
function componentOf(contract: string): string | undefined {
  if (contract === 'item-upserted.v1') return 'ItemUpsertedV1';
  const eventType = contract.replace(/\.v1$/, '').replace(/-/g, '_');
  return eventType in storefrontEventSchemas
    ? eventComponentName(eventType as StorefrontEventType)
    : undefined;
}

describe('buildOpenApiDocument', () => {
  const document = buildOpenApiDocument(settings);
  let validator: Awaited<ReturnType<typeof openApiSchemaValidator>>;

  beforeAll(async () => {
    // An independent JSON Schema implementation (Fastify's ajv, strict: no coercion, no removal of
    // unknown fields) loaded with the document; every component can be checked.
    validator = await openApiSchemaValidator(document, Object.keys(document.components.schemas));
  });

  afterAll(async () => {
    await validator.close();
  });

  it('is an OpenAPI 3.1 document that survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
    expect(document.openapi).toBe('3.1.0');
    expect(document.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('describes both endpoints with their bodies, every answer and the write-key scheme', () => {
    expect(Object.keys(document.paths).sort()).toEqual([
      '/health/live',
      '/health/ready',
      '/metrics',
      '/v1/events',
      '/v1/items',
    ]);
    for (const path of ['/v1/events', '/v1/items']) {
      const post = (document.paths[path] as { post: Record<string, unknown> }).post;
      expect(post['security']).toEqual([{ writeKey: [] }]);
      expect(post['requestBody']).toMatchObject({
        required: true,
        content: { 'application/json': {} },
      });
      expect(Object.keys(post['responses'] as object).sort()).toEqual(
        ['202', '400', '401', '403', '413', '415', '429', '503'].sort(),
      );
      expect(post['responses']).toMatchObject({
        '429': { headers: { 'Retry-After': { required: true } } },
        '503': { headers: { 'Retry-After': { required: true } } },
      });
    }
    expect(document.components.securitySchemes['writeKey']).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-write-key' }),
    );
  });

  it('takes the batch limits from the configuration', () => {
    const text = JSON.stringify(document.paths);
    expect(text).toContain('"maxItems":100');
    expect(text).toContain('"maxItems":50');
  });

  it('resolves every $ref to a component and keeps no per-schema $schema or $id', () => {
    const text = JSON.stringify(document);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const name of refs) expect(document.components.schemas).toHaveProperty([name]);
    expect(text).not.toMatch(/"\$schema"|"\$id"/);
  });

  const validFixtures = readdirSync(join(FIXTURES, 'valid'))
    .map((file) => ({
      file,
      contract: file.replace(/(\.anonymous)?\.v1\.json$/, '.v1') as ContractName,
    }))
    .filter(({ contract }) => componentOf(contract) !== undefined);

  it('covers every event type and the item among the valid fixtures', () => {
    expect(validFixtures.map(({ contract }) => componentOf(contract)).sort()).toEqual(
      expect.arrayContaining(['ItemUpsertedV1', 'PurchaseEventV1', 'PageViewEventV1']),
    );
    expect(validFixtures.length).toBeGreaterThanOrEqual(12);
  });

  it.each(validFixtures.map(({ file, contract }) => [file, contract] as const))(
    'accepts valid/%s like zod does, as its component and as a StorefrontEventV1 or item',
    async (file, contract) => {
      const value = readJson(join(FIXTURES, 'valid', file));
      expect(contractSchemas[contract].safeParse(value).success).toBe(true);
      expect(await validator.accepts(componentOf(contract)!, value)).toBe(true);
      const union = contract === 'item-upserted.v1' ? 'ItemUpsertedV1' : 'StorefrontEventV1';
      expect(await validator.accepts(union, value)).toBe(true);
    },
  );

  const invalidFixtures = readdirSync(join(FIXTURES, 'invalid'))
    .map((file) => ({
      file,
      ...(readJson(join(FIXTURES, 'invalid', file)) as {
        contract: ContractName;
        payload: unknown;
      }),
    }))
    .filter(({ contract }) => componentOf(contract) !== undefined);
  /** JSON Schema cannot sum a purchase's lines; the document describes the rule instead. */
  const knownGaps = new Set(['revenue-mismatch.json']);

  it.each(
    invalidFixtures.filter(({ file }) => !knownGaps.has(file)).map((f) => [f.file, f] as const),
  )('rejects invalid/%s like zod does', async (_file, fixture) => {
    expect(contractSchemas[fixture.contract].safeParse(fixture.payload).success).toBe(false);
    expect(await validator.accepts(componentOf(fixture.contract)!, fixture.payload)).toBe(false);
  });

  it('states the one rule it cannot express: a purchase whose revenue is not the sum of its lines', async () => {
    const fixture = invalidFixtures.find(({ file }) => file === 'revenue-mismatch.json')!;
    expect(await validator.accepts('PurchaseEventV1', fixture.payload)).toBe(true);
    expect(document.components.schemas['PurchaseEventV1']!['description']).toMatch(/revenue/);
  });

  it('rejects a blank trimmed string and an event without identity, as zod does', async () => {
    const search = readJson(join(FIXTURES, 'valid/search.v1.json')) as Record<string, unknown>;
    expect(await validator.accepts('SearchEventV1', { ...search, query: '   ' })).toBe(false);
    const { userId: _userId, ...anonymousless } = search;
    expect(await validator.accepts('SearchEventV1', anonymousless)).toBe(false);
    expect(await validator.accepts('SearchEventV1', { ...anonymousless, anonymousId: 'a-1' })).toBe(
      true,
    );
  });

  it('describes the response bodies the collector sends', async () => {
    expect(
      await validator.accepts('IngestResult', {
        accepted: 1,
        rejected: [
          {
            index: 1,
            eventId: 'e',
            code: 'EVENT_INVALID',
            reason: 'schema_violation',
            message: 'm',
            issues: [{ path: 'price', message: 'x' }],
          },
        ],
      }),
    ).toBe(true);
    expect(
      await validator.accepts('ErrorResponse', {
        error: {
          code: 'RATE_LIMITED',
          message: 'm',
          retriable: true,
          details: { retryAfterSeconds: 1 },
        },
      }),
    ).toBe(true);
    expect(await validator.accepts('ErrorResponse', { accepted: 0 })).toBe(false);
  });
});
