/**
 * The checks every service's OpenAPI document passes (its `openapi.spec.ts` calls
 * `describeOpenApiDocument`): an OpenAPI 3.1 document that survives JSON, every schema in it valid for a
 * strict JSON Schema 2020-12 validator (Fastify's ajv), every `$ref` resolved, and exactly the routes the
 * service's Nest controllers declare — admin ones (AdminGuard) with the bearer scheme and their 401/403.
 */
import 'reflect-metadata';
import { RequestMethod, type Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import Fastify, { type FastifyInstance } from 'fastify';

/** The parts of an OpenAPI document read here (libs/contracts' OpenApiDocument has them). */
export interface OpenApiDocumentUnderTest {
  openapi: string;
  jsonSchemaDialect: string;
  paths: Record<string, unknown>;
  components: { schemas: Record<string, unknown> };
}

/** How a service marks its admin routes (libs/platform's AdminGuard) and documents them. */
export interface AdminMarking {
  guard: Type;
  /** The security scheme name of admin operations (libs/contracts' ADMIN_SECURITY_SCHEME). */
  scheme: string;
}

const ERROR_RESPONSE_COMPONENT = 'ErrorResponse';

export interface DeclaredRoute {
  /** Lower case, as an OpenAPI path item's keys. */
  method: string;
  /** As an OpenAPI path: `:id` → `{id}`. */
  path: string;
  /** Guarded by the admin guard, on the handler or its controller. */
  admin: boolean;
}

const guardsOf = (target: object): unknown[] =>
  (Reflect.getMetadata(GUARDS_METADATA, target) ?? []) as unknown[];

/** Every route Nest serves from these controllers; `admin` when `adminGuard` protects it. */
export function declaredRoutes(controllers: Type[], adminGuard?: Type): DeclaredRoute[] {
  return controllers.flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const controllerAdmin = guardsOf(controller).includes(adminGuard);
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype)
      .map((name) => prototype[name])
      .filter((handler): handler is object =>
        Reflect.hasMetadata(METHOD_METADATA, handler as object),
      )
      .map((handler) => {
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const path = `/${[base, sub].filter((part) => part && part !== '/').join('/')}`;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as number;
        return {
          method: RequestMethod[method]!.toLowerCase(),
          path: path.replace(/:(\w+)/g, '{$1}'),
          admin: controllerAdmin || guardsOf(handler).includes(adminGuard),
        };
      });
  });
}

/** `get /v1/x` for every operation of the document. */
export function documentedOperations(document: OpenApiDocumentUnderTest): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item as object).map((method) => `${method} ${path}`),
  );
}

const DOCUMENT_ID = 'urn:recsys:openapi-under-test';
const COMPONENT_REF = /"\$ref":"#\/components\/schemas\//g;

/** Every schema object of the document's operations (parameters, bodies, responses, headers). */
function operationSchemas(document: OpenApiDocumentUnderTest): unknown[] {
  const schemas: unknown[] = [];
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'schema') schemas.push(value);
      else visit(value);
    }
  };
  visit(document.paths);
  return schemas;
}

/**
 * A strict JSON Schema validator loaded with the document: `ready()` compiles every component and every
 * schema of its operations at once (and fails on an invalid one); `accepts(component, value)` validates
 * a value against `#/components/schemas/<component>`, for the components named up front.
 */
export async function openApiSchemaValidator(
  document: OpenApiDocumentUnderTest,
  components: readonly string[] = [ERROR_RESPONSE_COMPONENT],
) {
  const fastify: FastifyInstance = Fastify({
    ajv: {
      customOptions: {
        strict: false,
        coerceTypes: false,
        removeAdditional: false,
        allErrors: true,
      },
    },
  });
  fastify.addSchema({ $id: DOCUMENT_ID, components: document.components });
  const componentRef = (name: string) => ({ $ref: `${DOCUMENT_ID}#/components/schemas/${name}` });
  const check = (url: string, schema: unknown) =>
    fastify.post(url, { schema: { body: schema as object } }, async () => ({ valid: true }));
  const operations = JSON.stringify(operationSchemas(document)).replace(
    COMPONENT_REF,
    `"$ref":"${DOCUMENT_ID}#/components/schemas/`,
  );
  check('/everything', {
    anyOf: [
      ...Object.keys(document.components.schemas).map(componentRef),
      ...(JSON.parse(operations) as unknown[]),
    ],
  });
  for (const component of components) check(`/component/${component}`, componentRef(component));
  await fastify.ready();
  return {
    accepts: async (component: string, value: unknown): Promise<boolean> => {
      const response = await fastify.inject({
        method: 'POST',
        url: `/component/${component}`,
        payload: JSON.stringify(value),
        headers: { 'content-type': 'application/json' },
      });
      return response.statusCode === 200;
    },
    close: () => fastify.close(),
  };
}

export interface OpenApiSuiteOptions {
  document: OpenApiDocumentUnderTest;
  admin: AdminMarking;
  /** The controllers of the service's module, except OpenApiController (the document's own route). */
  controllers: Type[];
  /** Served outside the module's controllers (MetricsModule's `get /metrics`). */
  alsoServed?: string[];
}

/** Registers the shared checks of one service's OpenAPI document as Jest tests. */
export function describeOpenApiDocument(options: OpenApiSuiteOptions): void {
  const { document } = options;
  const routes = declaredRoutes(options.controllers, options.admin.guard);
  const operation = (route: DeclaredRoute) =>
    (document.paths[route.path] as Record<string, Record<string, unknown>> | undefined)?.[
      route.method
    ];

  it('is an OpenAPI 3.1 document that survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
    expect(document.openapi).toBe('3.1.0');
    expect(document.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('documents every route the controllers serve, and nothing else', () => {
    expect(routes.length).toBeGreaterThan(0);
    expect(documentedOperations(document).sort()).toEqual(
      [
        ...routes.map((route) => `${route.method} ${route.path}`),
        ...(options.alsoServed ?? ['get /metrics']),
      ].sort(),
    );
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
          ? { security: [{ [options.admin.scheme]: [] }], refusals: ['401', '403'] }
          : { security: undefined, refusals: [] },
      );
      expect(statuses.some((status) => /^[23]/.test(status))).toBe(true);
    },
  );

  it('resolves every $ref to a component and keeps no per-schema $schema or $id', () => {
    const text = JSON.stringify(document);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    for (const name of refs) expect(document.components.schemas).toHaveProperty([name]);
    expect(text).not.toMatch(/"\$schema"|"\$id"/);
  });

  it('holds only valid JSON Schemas, and its error body is the platform filter’s', async () => {
    const validator = await openApiSchemaValidator(document);
    try {
      const error = { code: 'REQUEST_INVALID', message: 'm', retriable: false, details: {} };
      expect(await validator.accepts('ErrorResponse', { error })).toBe(true);
      expect(await validator.accepts('ErrorResponse', { code: 'REQUEST_INVALID' })).toBe(false);
    } finally {
      await validator.close();
    }
  }, 60_000);
}
