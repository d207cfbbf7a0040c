import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_SECURITY_SCHEME } from '@recsys/contracts';
import { AdminGuard, HealthController, OpenApiController } from '@recsys/platform';
import { declaredRoutes, describeOpenApiDocument } from '@recsys/testing';
import { ScorerModule } from '../app.module';
import { loadScorerConfig } from '../config';
import { buildScorerOpenApiDocument } from './openapi';
import { servedResponseSchema } from './scorer-responses';

const FIXTURES = join(__dirname, '../../../../libs/contracts/src/__fixtures__');

describe('buildScorerOpenApiDocument', () => {
  const document = buildScorerOpenApiDocument();

  /** Every controller the scorer serves (a new one must be documented), except this document's own. */
  const controllers = (
    ScorerModule.forRoot(
      loadScorerConfig({
        KAFKA_BROKERS: '127.0.0.1:9092',
        REDIS_URL: 'redis://127.0.0.1:6379',
        SCORER_PSEUDONYMISATION_SECRET: 'docs-test-secret-0123456789',
      }),
    ).controllers ?? []
  ).filter((controller) => controller !== OpenApiController);

  describeOpenApiDocument({
    document,
    controllers,
    admin: { guard: AdminGuard, scheme: ADMIN_SECURITY_SCHEME },
  });

  it('serves its health and every API route, the document itself at /docs/openapi.json', () => {
    expect(controllers).toContain(HealthController);
    expect(declaredRoutes(controllers, AdminGuard).length).toBeGreaterThanOrEqual(11);
    expect(declaredRoutes([OpenApiController])).toEqual([
      { method: 'get', path: '/docs/openapi.json', admin: false },
    ]);
    const refs = JSON.stringify(document).match(/"\$ref":"#\/components\/schemas\/[^"]+"/g) ?? [];
    expect(new Set(refs).size).toBeGreaterThanOrEqual(10);
  });

  it('states the experiment rules JSON Schema cannot, and the bearer scheme', () => {
    expect(document.components.schemas['Experiment']!['description']).toMatch(/sum to 1/);
    expect(document.components.securitySchemes['adminToken']).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
  });

  it('describes a served response: the contract plus diagnostics, up to 1000 re-ranked items', () => {
    const response = JSON.parse(
      readFileSync(join(FIXTURES, 'valid/recommendation-response.v1.json'), 'utf8'),
    ) as Record<string, unknown>;
    const items = Array.from({ length: 1000 }, (_, rank) => ({
      itemId: `i-${rank}`,
      rank,
      score: 1 / (rank + 1),
      source: 'rerank',
    }));
    expect(
      servedResponseSchema.safeParse({
        ...response,
        items,
        degraded: false,
        timings: { totalMs: 1 },
      }).success,
    ).toBe(true);
    expect(servedResponseSchema.safeParse({ ...response, degraded: 'no' }).success).toBe(false);
  });
});
