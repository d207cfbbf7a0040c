/**
 * fast-check arbitraries of the values a JSON Schema accepts, read from the schema itself (the contracts'
 * generated JSON Schemas, an OpenAPI document's components), so property tests follow the contracts
 * without a hand-written generator per event. Free text is drawn from nasty strings too (unicode edge
 * cases, injection attempts), so "valid" includes everything a storefront may legitimately send.
 *
 * Supported: $ref (local), const, `not: { const }`, enum, oneOf/anyOf, allOf patterns, type (one or several), string
 * (min/maxLength, pattern, format date-time and uri), number/integer (bounds, exclusive bounds,
 * multipleOf), array (items, min/maxItems), object (properties, required, additionalProperties,
 * propertyNames, maxProperties, dependentRequired, `anyOf` of `required` alternatives).
 */
import fc, { type Arbitrary } from 'fast-check';
import {
  isRequiredAlternatives,
  patternsOf,
  resolveSchema,
  unionMembers,
  type JsonSchema,
  type JsonType,
} from './json-schema';
import { nastyText } from './nasty-strings';

export interface SchemaArbitraryOptions {
  /** Document `$ref`s point into. @default the schema itself */
  root?: JsonSchema;
  /** Longest array generated when the schema allows longer. @default 4 */
  maxArrayLength?: number;
  /** Longest free text generated when the schema allows longer. @default 40 */
  maxStringLength?: number;
  /** Most keys of a record (`additionalProperties` schema) generated. @default 4 */
  maxRecordKeys?: number;
}

interface Settings {
  root: JsonSchema;
  maxArrayLength: number;
  maxStringLength: number;
  maxRecordKeys: number;
}

export function arbitraryFromJsonSchema(
  schema: JsonSchema,
  options: SchemaArbitraryOptions = {},
): Arbitrary<unknown> {
  return valueOf(schema, {
    root: options.root ?? schema,
    maxArrayLength: options.maxArrayLength ?? 4,
    maxStringLength: options.maxStringLength ?? 40,
    maxRecordKeys: options.maxRecordKeys ?? 4,
  });
}

function valueOf(schema: JsonSchema, settings: Settings): Arbitrary<unknown> {
  const resolved = resolveSchema(schema, settings.root);
  const excluded = resolved['not'] as JsonSchema | undefined;
  if (excluded !== undefined && 'const' in excluded) {
    const { not: _not, ...allowed } = resolved;
    return valueOf(allowed, settings).filter((value) => value !== excluded['const']);
  }
  if ('const' in resolved) return fc.constant(resolved['const']);
  if (Array.isArray(resolved['enum'])) return fc.constantFrom(...(resolved['enum'] as unknown[]));
  const members = unionMembers(resolved);
  if (members) return fc.oneof(...members.map((member) => valueOf(member, settings)));
  const type = resolved['type'];
  if (Array.isArray(type)) {
    return fc.oneof(...(type as JsonType[]).map((one) => typedValueOf(resolved, one, settings)));
  }
  if (type === undefined) return fc.jsonValue({ maxDepth: 2 });
  return typedValueOf(resolved, type as JsonType, settings);
}

function typedValueOf(schema: JsonSchema, type: JsonType, settings: Settings): Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return integerOf(schema);
    case 'number':
      return numberOf(schema);
    case 'string':
      return stringOf(schema, settings);
    case 'array':
      return arrayOf(schema, settings);
    case 'object':
      return objectOf(schema, settings);
  }
}

const num = (schema: JsonSchema, key: string): number | undefined =>
  typeof schema[key] === 'number' ? schema[key] : undefined;

/** Inclusive bounds of a numeric schema, integers when `step` is 1. */
function boundsOf(schema: JsonSchema, step: number): { min: number; max: number } {
  const exclusiveMin = num(schema, 'exclusiveMinimum');
  const exclusiveMax = num(schema, 'exclusiveMaximum');
  const min = Math.max(
    num(schema, 'minimum') ?? -Number.MAX_SAFE_INTEGER,
    exclusiveMin === undefined ? -Infinity : exclusiveMin + step,
  );
  const max = Math.min(
    num(schema, 'maximum') ?? Number.MAX_SAFE_INTEGER,
    exclusiveMax === undefined ? Infinity : exclusiveMax - step,
  );
  return { min, max };
}

function integerOf(schema: JsonSchema): Arbitrary<number> {
  const { min, max } = boundsOf(schema, 1);
  const safe = { min: Math.ceil(Math.max(min, -Number.MAX_SAFE_INTEGER)), max: Math.floor(max) };
  return fc.oneof(fc.integer(safe), fc.constantFrom(safe.min, safe.max));
}

function numberOf(schema: JsonSchema): Arbitrary<number> {
  const multipleOf = num(schema, 'multipleOf');
  if (multipleOf !== undefined) {
    const { min, max } = boundsOf(schema, multipleOf);
    return fc
      .integer({ min: Math.ceil(min / multipleOf), max: Math.floor(max / multipleOf) })
      .map((steps) => steps * multipleOf);
  }
  const { min, max } = boundsOf(schema, Number.EPSILON);
  return fc.oneof(
    fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
    integerOf(schema),
    fc.constantFrom(min, max),
  );
}

/** `^[^…]*$` (characters left out) and `\S` (not blank) are checked on free text; others generate. */
const isFilterPattern = (pattern: string): boolean =>
  /^\^\[\^[^\]]*\]\*\$$/.test(pattern) || pattern === '\\S';

function stringOf(schema: JsonSchema, settings: Settings): Arbitrary<string> {
  const minLength = num(schema, 'minLength') ?? 0;
  const maxLength = num(schema, 'maxLength') ?? Infinity;
  const patterns = patternsOf(schema).map((pattern) => new RegExp(pattern, 'u'));
  const generating = patternsOf(schema).filter((pattern) => !isFilterPattern(pattern));
  const base =
    schema['format'] === 'date-time'
      ? timestamp()
      : schema['format'] === 'uri'
        ? fc.webUrl({ withQueryParameters: true, withFragments: true })
        : generating.length > 0
          ? fc.stringMatching(new RegExp(generating[0]!, 'u'))
          : freeText(minLength, Math.max(minLength, Math.min(maxLength, settings.maxStringLength)));
  return base.filter(
    (text) =>
      [...text].length >= minLength &&
      text.length <= maxLength &&
      patterns.every((pattern) => pattern.test(text)),
  );
}

function freeText(minLength: number, maxLength: number): Arbitrary<string> {
  return fc.oneof(
    nastyText({ maxLength }),
    fc.string({ unit: 'grapheme', minLength, maxLength }),
    fc.string({ minLength, maxLength }),
  );
}

/** An ISO-8601 instant between 1970 and 2100, in UTC (`Z` or `+00:00`) or with a non-zero offset. */
function timestamp(): Arbitrary<string> {
  const instant = fc.date({
    min: new Date('1970-01-01T00:00:00Z'),
    max: new Date('2100-01-01T00:00:00Z'),
    noInvalidDate: true,
  });
  const offsetMinutes = fc.constantFrom(0, 0, 60, 330, -480, 840, -720);
  return fc.tuple(instant, offsetMinutes, fc.boolean()).map(([date, offset, millis]) => {
    const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, -1);
    const text = millis ? local : local.slice(0, 19);
    if (offset === 0) return `${text}${millis ? 'Z' : '+00:00'}`;
    const sign = offset < 0 ? '-' : '+';
    const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
    return `${text}${sign}${hours}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
  });
}

function arrayOf(schema: JsonSchema, settings: Settings): Arbitrary<unknown[]> {
  const minLength = num(schema, 'minItems') ?? 0;
  const maxItems = num(schema, 'maxItems') ?? Infinity;
  const maxLength = Math.max(minLength, Math.min(maxItems, settings.maxArrayLength));
  const items = (schema['items'] as JsonSchema | undefined) ?? {};
  return fc.array(valueOf(items, settings), { minLength, maxLength });
}

function objectOf(schema: JsonSchema, settings: Settings): Arbitrary<Record<string, unknown>> {
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = (schema['required'] as string[] | undefined) ?? [];
  const alternatives = isRequiredAlternatives(schema['anyOf'])
    ? schema['anyOf'].map((alternative) => alternative.required)
    : [[]];
  const known = Object.fromEntries(
    Object.entries(properties).map(([key, property]) => [key, valueOf(property, settings)]),
  );
  const extra = recordOf(schema, settings);
  const dependencies = Object.entries(
    (schema['dependentRequired'] ?? {}) as Record<string, string[]>,
  );
  return fc
    .constantFrom(...alternatives)
    .chain((forced) =>
      fc
        .tuple(fc.record(known, { requiredKeys: [...required, ...forced] }), extra)
        .map(([fixed, more]): Record<string, unknown> => ({ ...more, ...fixed })),
    )
    .filter((value) =>
      dependencies.every(([key, needed]) => !(key in value) || needed.every((n) => n in value)),
    );
}

/** The free-form keys of an object whose `additionalProperties` is a schema (a record). */
function recordOf(schema: JsonSchema, settings: Settings): Arbitrary<Record<string, unknown>> {
  const additional = schema['additionalProperties'];
  if (typeof additional !== 'object' || additional === null) return fc.constant({});
  const keys = (schema['propertyNames'] as JsonSchema | undefined) ?? { type: 'string' };
  const maxKeys = Math.min(num(schema, 'maxProperties') ?? Infinity, settings.maxRecordKeys);
  return fc.dictionary(
    valueOf(keys, settings) as Arbitrary<string>,
    valueOf(additional as JsonSchema, settings),
    { maxKeys, noNullPrototype: true },
  );
}
