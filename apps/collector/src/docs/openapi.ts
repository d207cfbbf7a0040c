/**
 * The collector's OpenAPI 3.1 document, generated from the same zod schemas that validate requests
 * (libs/contracts) and shape responses (ingest-response.ts), so the document cannot drift from the code.
 *
 * JSON Schema cannot express every zod refinement. Four are added by hand below so a generator working
 * from this document (schemathesis) produces what the collector accepts: ids without control characters,
 * at most 50 `properties`, `userId` or `anonymousId` on every event, and trimmed required strings that
 * are not blank. One is only described: a purchase's `revenue` must equal the sum of its lines.
 */
import { z } from 'zod';
import {
  idSchema,
  itemUpsertedV1Schema,
  propertiesSchema,
  storefrontEventSchema,
  storefrontEventSchemas,
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

export type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  jsonSchemaDialect: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, unknown>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
}

export type OpenApiSettings = Pick<CollectorConfig, 'limits' | 'rateLimit'>;

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
/** Same set as idSchema's refinement: C0 controls and DEL. */
const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f]*$';
const MAX_PROPERTIES = 50;
/** At least one character that `String.prototype.trim` keeps. */
const NOT_BLANK = '\\S';

/** `product_view` → `ProductViewEventV1`. */
export function eventComponentName(eventType: StorefrontEventType): string {
  const words = eventType.split('_').map((word) => word[0]!.toUpperCase() + word.slice(1));
  return `${words.join('')}EventV1`;
}

export function buildOpenApiDocument(settings: OpenApiSettings): OpenApiDocument {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: DIALECT,
    info: {
      title: 'recsys collector',
      version: '1.0.0',
      description:
        'Ingestion of storefront events and catalogue upserts. Each entry of a batch is validated on its ' +
        'own: valid ones are written to Kafka, invalid ones are listed in `rejected` (and dead-lettered), ' +
        'and the request succeeds (202) when at least one entry was valid. 202 means Kafka acknowledged.',
    },
    paths: ingestPaths(settings),
    components: {
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
    },
  };
}

function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  registry.add(storefrontEventSchema, { id: 'StorefrontEventV1' });
  for (const [eventType, schema] of Object.entries(storefrontEventSchemas)) {
    registry.add(schema, { id: eventComponentName(eventType as StorefrontEventType) });
  }
  registry.add(itemUpsertedV1Schema, { id: 'ItemUpsertedV1' });
  registry.add(rejectedEntrySchema, { id: 'RejectedEntry' });
  registry.add(ingestResultSchema, { id: 'IngestResult' });
  registry.add(errorBodySchema, { id: 'ErrorResponse' });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
    override: addRefinements,
  });
  // The document declares the dialect once; per-schema `$schema`/`$id` would only confuse resolvers.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema]),
  );
}

const eventSchemas: ReadonlySet<unknown> = new Set(Object.values(storefrontEventSchemas));

function addRefinements(context: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const { zodSchema, jsonSchema } = context;
  if (zodSchema === idSchema) jsonSchema['pattern'] = NO_CONTROL_CHARACTERS;
  if (zodSchema === propertiesSchema) jsonSchema['maxProperties'] = MAX_PROPERTIES;
  if (eventSchemas.has(zodSchema)) {
    jsonSchema['anyOf'] = [{ required: ['userId'] }, { required: ['anonymousId'] }];
  }
  if (isTrimmedRequiredString(zodSchema, jsonSchema)) addPattern(jsonSchema, NOT_BLANK);
  if (zodSchema === storefrontEventSchemas.purchase) {
    jsonSchema['description'] =
      '`revenue` must equal the sum of quantity × price over `items`, within 0.01.';
  }
}

/**
 * `z.string().trim().min(1)` checks the length after trimming, so `"  "` fails; JSON Schema only sees
 * `minLength: 1`. Trimming is zod's one "overwrite" check in the contracts (see common.ts, item and
 * event schemas), which is how it is recognised here.
 */
function isTrimmedRequiredString(zodSchema: unknown, jsonSchema: JsonSchema): boolean {
  if (!(zodSchema instanceof z.ZodString)) return false;
  const minLength = jsonSchema['minLength'];
  const trims = (zodSchema.def.checks ?? []).some((check) => check._zod.def.check === 'overwrite');
  return trims && typeof minLength === 'number' && minLength >= 1;
}

/** Adds a pattern without replacing one the schema already has (both must hold). */
function addPattern(jsonSchema: JsonSchema, pattern: string): void {
  if (jsonSchema['pattern'] === undefined) jsonSchema['pattern'] = pattern;
  else jsonSchema['allOf'] = [...((jsonSchema['allOf'] as unknown[]) ?? []), { pattern }];
}
