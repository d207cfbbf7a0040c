/**
 * The collector's OpenAPI 3.1 document, generated from the same zod schemas that validate requests
 * (libs/contracts) and shape responses (ingest-response.ts), so the document cannot drift from the code.
 * The shared parts (contract refinements JSON Schema cannot state, error responses, health and metrics)
 * come from libs/contracts' OpenAPI builder; one rule is only described: a purchase's `revenue` must
 * equal the sum of its lines.
 */
import type { z } from 'zod';
import {
  ERROR_RESPONSE_COMPONENT,
  componentJsonSchemas,
  itemUpsertedV1Schema,
  openApiDocument,
  operationalPaths,
  storefrontEventSchema,
  storefrontEventSchemas,
  type JsonSchema,
  type OpenApiDocument,
  type StorefrontEventType,
} from '@recsys/contracts';
import { WRITE_KEY_HEADER } from '../auth/write-keys';
import type { CollectorConfig } from '../config';
import {
  errorBodySchema,
  ingestResultSchema,
  rejectedEntrySchema,
} from '../ingest/ingest-response';
import { SECURITY_SCHEME, ingestPaths } from './openapi-paths';

export type { JsonSchema, OpenApiDocument };

export type OpenApiSettings = Pick<CollectorConfig, 'limits' | 'rateLimit'>;

/** `product_view` → `ProductViewEventV1`. */
export function eventComponentName(eventType: StorefrontEventType): string {
  const words = eventType.split('_').map((word) => word[0]!.toUpperCase() + word.slice(1));
  return `${words.join('')}EventV1`;
}

export function buildOpenApiDocument(settings: OpenApiSettings): OpenApiDocument {
  return openApiDocument({
    info: {
      title: 'recsys collector',
      version: '1.0.0',
      description:
        'Ingestion of storefront events and catalogue upserts. Each entry of a batch is validated on its ' +
        'own: valid ones are written to Kafka, invalid ones are listed in `rejected` (and dead-lettered), ' +
        'and the request succeeds (202) when at least one entry was valid. 202 means Kafka acknowledged.',
    },
    paths: { ...ingestPaths(settings), ...operationalPaths() },
    schemas: componentSchemas(),
    securitySchemes: {
      [SECURITY_SCHEME]: {
        type: 'apiKey',
        in: 'header',
        name: WRITE_KEY_HEADER,
        description:
          "The storefront's write key. From a browser, the page's origin must be one the key allows.",
      },
    },
  });
}

function componentSchemas(): Record<string, JsonSchema> {
  const eventComponents = Object.entries(storefrontEventSchemas).map(
    ([eventType, schema]): [string, z.ZodType] => [
      eventComponentName(eventType as StorefrontEventType),
      schema,
    ],
  );
  return componentJsonSchemas({
    StorefrontEventV1: storefrontEventSchema,
    ...Object.fromEntries(eventComponents),
    ItemUpsertedV1: itemUpsertedV1Schema,
    RejectedEntry: rejectedEntrySchema,
    IngestResult: ingestResultSchema,
    [ERROR_RESPONSE_COMPONENT]: errorBodySchema,
  });
}
