/**
 * The parts every service's OpenAPI 3.1 document shares: the document shell, the error response (the one
 * error body of libs/platform's filter), Retry-After, query and path parameters built from zod schemas,
 * and the operational endpoints (health, metrics) every service serves. A service adds its operations.
 */
import type { z } from 'zod';
import { contractJsonSchema, JSON_SCHEMA_DIALECT, type JsonSchema } from './json-schema';

export interface OpenApiDocument {
  openapi: '3.1.0';
  jsonSchemaDialect: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, unknown>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
}

/** The component every error response refers to (see errorResponseV1Schema). */
export const ERROR_RESPONSE_COMPONENT = 'ErrorResponse';

export function openApiDocument(input: {
  info: OpenApiDocument['info'];
  paths: Record<string, unknown>;
  schemas: Record<string, JsonSchema>;
  securitySchemes: Record<string, unknown>;
}): OpenApiDocument {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: JSON_SCHEMA_DIALECT,
    info: input.info,
    paths: input.paths,
    components: { schemas: input.schemas, securitySchemes: input.securitySchemes },
  };
}

export const componentRef = (name: string): { $ref: string } => ({
  $ref: `#/components/schemas/${name}`,
});

export const jsonContent = (schema: unknown): Record<string, { schema: unknown }> => ({
  'application/json': { schema },
});

export const retryAfterHeader = {
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    required: true,
    schema: { type: 'integer', minimum: 1 },
  },
};

/** A response with the platform's error body; `retryAfter` for 429/503, which always send the header. */
export function errorResponse(
  description: string,
  options: { retryAfter?: boolean } = {},
): Record<string, unknown> {
  return {
    description,
    content: jsonContent(componentRef(ERROR_RESPONSE_COMPONENT)),
    ...(options.retryAfter ? { headers: retryAfterHeader } : {}),
  };
}

/** The security scheme of every admin operation: `Authorization: Bearer <ADMIN_TOKEN>`. */
export const ADMIN_SECURITY_SCHEME = 'adminToken';

/** An operation's `security`, for admin operations. */
export const adminSecurity = (): Array<Record<string, string[]>> => [
  { [ADMIN_SECURITY_SCHEME]: [] },
];

export function adminSecuritySchemes(service: string): Record<string, unknown> {
  return {
    [ADMIN_SECURITY_SCHEME]: {
      type: 'http',
      scheme: 'bearer',
      description: `The ${service}'s ADMIN_TOKEN.`,
    },
  };
}

/** What libs/platform's AdminGuard answers: 401 without the right token, 403 when none is configured. */
export function adminErrorResponses(service: string): Record<string, unknown> {
  return {
    '401': errorResponse(
      'No valid admin bearer token: `Authorization: Bearer <ADMIN_TOKEN>` (UNAUTHORIZED).',
    ),
    '403': errorResponse(
      `Admin endpoints are disabled: the ${service} has no ADMIN_TOKEN configured (ADMIN_DISABLED).`,
    ),
  };
}

/** Redis or Kafka did not answer in time: 503 with Retry-After. */
export const unavailableResponse = (): Record<string, unknown> =>
  errorResponse(
    'Redis or Kafka did not answer in time (REDIS_UNAVAILABLE, KAFKA_UNAVAILABLE); retry later.',
    { retryAfter: true },
  );

/** One query parameter per property of a zod object schema (a strict object: others are refused). */
export function queryParameters(schema: z.ZodType): Record<string, unknown>[] {
  const objectSchema = contractJsonSchema(schema);
  const properties = (objectSchema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((objectSchema['required'] as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: 'query',
      required: required.has(name) && propertySchema['default'] === undefined,
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

export function pathParameter(
  name: string,
  schema: z.ZodType,
  description: string,
): Record<string, unknown> {
  return { name, in: 'path', required: true, description, schema: contractJsonSchema(schema) };
}

const readinessSchema = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ready', 'not_ready'] },
    checks: { type: 'object', additionalProperties: { type: 'string', enum: ['up', 'down'] } },
  },
  additionalProperties: false,
};

/** `/health/live`, `/health/ready` and `/metrics`: public, served by libs/platform in every service. */
export function operationalPaths(): Record<string, unknown> {
  return {
    '/health/live': {
      get: {
        operationId: 'live',
        summary: 'Liveness: the process runs.',
        tags: ['operations'],
        responses: {
          '200': {
            description: 'Live.',
            content: jsonContent({
              type: 'object',
              required: ['status'],
              properties: { status: { const: 'live' } },
              additionalProperties: false,
            }),
          },
        },
      },
    },
    '/health/ready': {
      get: {
        operationId: 'ready',
        summary: 'Readiness: every critical dependency answers.',
        tags: ['operations'],
        responses: {
          '200': { description: 'Ready.', content: jsonContent(readinessSchema) },
          '503': {
            description: 'A critical dependency is down.',
            content: jsonContent(readinessSchema),
          },
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics (text exposition format).',
        tags: ['operations'],
        responses: {
          '200': {
            description: 'Metrics.',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
  };
}
