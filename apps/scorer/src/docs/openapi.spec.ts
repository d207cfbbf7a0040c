import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod, type Type } from '@nestjs/common';
import { AdminGuard, HealthController } from '@recsys/platform';
import { ScorerModule } from '../app.module';
import { loadScorerConfig } from '../config';
import { DocsController } from './docs.controller';
import { buildScorerOpenApiDocument } from './openapi';
import { servedResponseSchema } from './scorer-responses';

const FIXTURES = join(__dirname, '../../../../libs/contracts/src/__fixtures__');

interface Route {
  method: string;
  path: string;
  admin: boolean;
}

/** Every route Nest serves from these controllers, as OpenAPI paths (`:id` → `{id}`). */
function routesOf(controllers: Type[]): Route[] {
  return controllers.flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype)
      .map((name) => prototype[name])
      .filter((handler): handler is object =>
        Reflect.hasMetadata(METHOD_METADATA, handler as object),
      )
      .map((handler) => {
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const path = `/${[base, sub].filter((part) => part && part !== '/').join('/')}`;
        const guards = (Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as unknown[];
        return {
          method:
            RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!.toLowerCase(),
          path: path.replace(/:(\w+)/g, '{$1}'),
          admin: guards.includes(AdminGuard),
        };
      });
  });
}

describe('buildScorerOpenApiDocument', () => {
  const document = buildScorerOpenApiDocument();
  const operation = (route: Pick<Route, 'method' | 'path'>) =>
    (document.paths[route.path] as Record<string, Record<string, unknown>> | undefined)?.[
      route.method
    ];

  it('is an OpenAPI 3.1 document that survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
    expect(document.openapi).toBe('3.1.0');
  });

  /** Every controller the scorer serves (a new one must be documented), except this document's own. */
  const controllers = (
    ScorerModule.forRoot(
      loadScorerConfig({
        KAFKA_BROKERS: '127.0.0.1:9092',
        REDIS_URL: 'redis://127.0.0.1:6379',
        SCORER_PSEUDONYMISATION_SECRET: 'docs-test-secret-0123456789',
      }),
    ).controllers ?? []
  ).filter((controller) => controller !== DocsController);
  const routes = routesOf(controllers);

  it('documents every route the controllers serve, and nothing else', () => {
    expect(controllers).toContain(HealthController);
    expect(routes.length).toBeGreaterThanOrEqual(11);
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(
      [...routes.map((route) => `${route.method} ${route.path}`), 'get /metrics'].sort(),
    );
    expect(routesOf([DocsController])).toEqual([
      { method: 'get', path: '/docs/openapi.json', admin: false },
    ]);
  });

  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: bearer security exactly when the admin guard protects it, and 401/403 documented',
    (_name, route) => {
      const documented = operation(route)!;
      const statuses = Object.keys(documented['responses'] as Record<string, unknown>);
      expect({
        security: documented['security'],
        refusals: statuses.filter((status) => status === '401' || status === '403'),
      }).toEqual(
        route.admin
          ? { security: [{ adminToken: [] }], refusals: ['401', '403'] }
          : { security: undefined, refusals: [] },
      );
      expect(statuses.some((status) => status.startsWith('2'))).toBe(true);
    },
  );

  it('resolves every $ref to a component and keeps no per-schema $schema or $id', () => {
    const text = JSON.stringify(document);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(refs).size).toBeGreaterThanOrEqual(10);
    for (const name of refs) expect(document.components.schemas).toHaveProperty([name]);
    expect(text).not.toMatch(/"\$schema"|"\$id"/);
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
