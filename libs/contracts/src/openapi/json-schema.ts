/**
 * JSON Schemas (draft 2020-12) of the contracts, generated from the same zod schemas that validate, for
 * OpenAPI documents and for property-test generators. Guarantee: a value valid under the generated
 * schema is valid under zod, except for the rules listed in `UNEXPRESSED_RULES` (which are described).
 *
 * JSON Schema cannot state every zod refinement. The ones the contracts use are added here, recognised by
 * schema identity: ids without control characters, request ids of at most 120 characters, at most 50
 * `properties` and no `__proto__` record key, `userId` or `anonymousId` on every event and request, trimmed required strings that are
 * not blank, comma-separated id lists in query strings.
 */
import { z } from 'zod';
import { idSchema, propertiesSchema } from '../common';
import { recommendationRequestV1Schema } from '../messages/recommendation-request.v1';
import { rankRequestV1Schema, requestIdSchema } from '../http/scorer-api.v1';
import { storefrontEventSchemas } from '../storefront-event';

export type JsonSchema = Record<string, unknown>;

/** Sees every generated (sub)schema with the zod schema it came from, and may amend it in place. */
export type JsonSchemaOverride = (context: { zodSchema: unknown; jsonSchema: JsonSchema }) => void;

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** Same set as idSchema's refinement: C0 controls and DEL. */
const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f]*$';
const MAX_PROPERTIES = 50;
const MAX_REQUEST_ID_LENGTH = 120;
/** At least one character that `String.prototype.trim` keeps. */
const NOT_BLANK = '\\S';
const ID_CHARACTER = '[^,\\u0000-\\u001f\\u007f]';

/** Zod rules no JSON Schema keyword states, by the schema that carries them (see their descriptions). */
export const UNEXPRESSED_RULES = {
  purchaseRevenue: '`revenue` must equal the sum of quantity × price over `items`, within 0.01.',
} as const;

/**
 * Each schema that carries a rule of `UNEXPRESSED_RULES`, with the rule: its generated JSON Schema
 * describes it, and a validator compiled from the JSON Schema must leave such values to zod.
 */
export const unexpressedRuleOf: ReadonlyMap<unknown, string> = new Map([
  [storefrontEventSchemas.purchase, UNEXPRESSED_RULES.purchaseRevenue],
]);

const identityRequired: ReadonlySet<unknown> = new Set([
  ...Object.values(storefrontEventSchemas),
  recommendationRequestV1Schema,
  rankRequestV1Schema,
]);

/**
 * JSON Schemas of named zod schemas (e.g. an OpenAPI document's components). A schema used inside
 * another is referenced as `#/components/schemas/<name>`; per-schema `$schema`/`$id` are dropped
 * (a document declares its dialect once). Request side (`io: input`): defaults make fields optional.
 */
export function componentJsonSchemas(
  components: Record<string, z.ZodType>,
  options: { override?: JsonSchemaOverride } = {},
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(components)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
    override: (context) => {
      addContractRefinements(context);
      options.override?.(context);
    },
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema]),
  );
}

/** One self-contained JSON Schema (no `$ref`s outside itself), with the contracts' refinements. */
export function contractJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    override: addContractRefinements,
  });
  return jsonSchema;
}

function addContractRefinements(context: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const { zodSchema, jsonSchema } = context;
  if (zodSchema === idSchema) jsonSchema['pattern'] = NO_CONTROL_CHARACTERS;
  if (zodSchema === requestIdSchema) {
    jsonSchema['pattern'] = NO_CONTROL_CHARACTERS;
    jsonSchema['maxLength'] = MAX_REQUEST_ID_LENGTH;
  }
  if (zodSchema === propertiesSchema) jsonSchema['maxProperties'] = MAX_PROPERTIES;
  if (zodSchema instanceof z.ZodRecord) refuseProtoKeys(jsonSchema);
  if (identityRequired.has(zodSchema)) {
    jsonSchema['anyOf'] = [{ required: ['userId'] }, { required: ['anonymousId'] }];
  }
  if (isTrimmedRequiredString(zodSchema, jsonSchema)) addPattern(jsonSchema, NOT_BLANK);
  const maxIds = idListLength(zodSchema);
  if (maxIds !== undefined) addPattern(jsonSchema, idListPattern(maxIds));
  const unexpressed = unexpressedRuleOf.get(zodSchema);
  if (unexpressed !== undefined) jsonSchema['description'] = unexpressed;
}

/**
 * zod skips a `__proto__` key of a record (it cannot be data on a plain object), so it would be lost
 * silently; the collector refuses it instead, and the document says so.
 */
function refuseProtoKeys(jsonSchema: JsonSchema): void {
  const names = (jsonSchema['propertyNames'] as JsonSchema | undefined) ?? { type: 'string' };
  jsonSchema['propertyNames'] = { ...names, not: { const: '__proto__' } };
}

/**
 * `z.string().trim().min(1)` checks the length after trimming, so `"  "` fails; JSON Schema only sees
 * `minLength: 1`. Trimming is zod's one "overwrite" check in the contracts, which is how it is recognised.
 */
function isTrimmedRequiredString(zodSchema: unknown, jsonSchema: JsonSchema): boolean {
  if (!(zodSchema instanceof z.ZodString)) return false;
  const minLength = jsonSchema['minLength'];
  const trims = (zodSchema.def.checks ?? []).some((check) => check._zod.def.check === 'overwrite');
  return trims && typeof minLength === 'number' && minLength >= 1;
}

/**
 * A query-string list `a,b,c` parsed into ids (`string → split → array of idSchema, max n`): the most
 * ids it takes, or undefined for any other schema.
 */
function idListLength(zodSchema: unknown): number | undefined {
  if (!(zodSchema instanceof z.ZodPipe)) return undefined;
  const out: unknown = zodSchema.def.out;
  if (!(out instanceof z.ZodArray) || out.def.element !== idSchema) return undefined;
  const max = (out.def.checks ?? [])
    .map((check) => check._zod.def)
    .find((def) => def.check === 'max_length');
  return max && 'maximum' in max && typeof max.maximum === 'number' ? max.maximum : undefined;
}

/** Up to `maxIds` ids of 1–128 characters without controls, separated by one or more commas. */
function idListPattern(maxIds: number): string {
  const id = `${ID_CHARACTER}{1,128}`;
  return `^,*(?:${id}(?:,+${id}){0,${maxIds - 1}})?,*$`;
}

/** Adds a pattern without replacing one the schema already has (both must hold). */
function addPattern(jsonSchema: JsonSchema, pattern: string): void {
  if (jsonSchema['pattern'] === undefined) jsonSchema['pattern'] = pattern;
  else jsonSchema['allOf'] = [...((jsonSchema['allOf'] as unknown[]) ?? []), { pattern }];
}
