/**
 * Invalid variants of a valid value, each breaking its JSON Schema in one known place: a value of a type
 * the schema does not allow (including deep nesting and pollution-key objects), a value outside an enum
 * or bound, a string too long or not matching its pattern, too many or too few items, a required field
 * removed, an unknown field added. Each comes with the path where a validator must report the problem,
 * so a test can check that the contract's error names it.
 */
import fc, { type Arbitrary } from 'fast-check';
import {
  JSON_TYPES,
  allowedTypes,
  isRequiredAlternatives,
  jsonTypeOf,
  memberOf,
  patternsOf,
  resolveSchema,
  unionMembers,
  type JsonPath,
  type JsonSchema,
  type JsonType,
} from './json-schema';
import { pollutionKeys } from './nasty-strings';

export interface Mutation {
  /** What was broken, e.g. `wrong type at items.0.price`. */
  description: string;
  /** Where a validator must report it. */
  path: JsonPath;
  /** The valid value with the one change. */
  value: unknown;
}

interface Site {
  description: string;
  path: JsonPath;
  /** The new value at `path`; `undefined` removes the field. */
  replacement: Arbitrary<unknown>;
  /** The path to report, when it differs from `path` (a parent). */
  reportedAt?: JsonPath;
}

/** Arbitrary invalid variants of `value` (valid under `schema`); none when nothing can be broken. */
export function mutationsOf(
  schema: JsonSchema,
  value: unknown,
  options: { root?: JsonSchema } = {},
): Arbitrary<Mutation> | undefined {
  const sites = sitesOf({ schema, value, path: [] }, options.root ?? schema);
  if (sites.length === 0) return undefined;
  return fc.constantFrom(...sites).chain((site) =>
    site.replacement.map((replacement) => ({
      description: `${site.description} at ${site.path.join('.') || '(root)'}`,
      path: site.reportedAt ?? site.path,
      value: replaceAt(value, site.path, replacement),
    })),
  );
}

interface Node {
  schema: JsonSchema;
  value: unknown;
  path: JsonPath;
  /** A member of a union: a type another member allows is no break, so types are the union's. */
  inUnion?: boolean;
}

function sitesOf(node: Node, root: JsonSchema): Site[] {
  const schema = resolveSchema(node.schema, root);
  const members = unionMembers(schema);
  const own = [
    ...(node.inUnion ? [] : typeSites({ ...node, schema }, root)),
    ...valueSites({ ...node, schema }),
  ];
  if (members) {
    const member = memberOf(members, node.value, root);
    return member ? [...own, ...sitesOf({ ...node, schema: member, inUnion: true }, root)] : own;
  }
  return [...own, ...childSites({ ...node, schema }, root)];
}

function childSites(node: Node, root: JsonSchema): Site[] {
  const { schema, value, path } = node;
  if (Array.isArray(value)) {
    const items = (schema['items'] as JsonSchema | undefined) ?? {};
    return [
      ...arraySites(node),
      ...value.flatMap((item, index) =>
        sitesOf({ schema: items, value: item, path: [...path, index] }, root),
      ),
    ];
  }
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const additional = schema['additionalProperties'];
  return [
    ...objectSites(node),
    ...Object.keys(record).flatMap((key) => {
      const child = properties[key] ?? (typeof additional === 'object' ? additional : undefined);
      return child
        ? sitesOf({ schema: child as JsonSchema, value: record[key], path: [...path, key] }, root)
        : [];
    }),
  ];
}

const deeplyNested = (depth: number): unknown =>
  Array.from({ length: depth }).reduce<unknown>((inner) => [inner], 'bottom');

/** Values of each JSON type, including the hostile ones (deep nesting, pollution keys, -0, 1e308). */
const valuesOfType: Record<JsonType, Arbitrary<unknown>> = {
  null: fc.constant(null),
  boolean: fc.boolean(),
  integer: fc.constantFrom(0, -1, 2 ** 53, -0),
  number: fc.constantFrom(0.5, -1.25, 1e308, -1e-308),
  string: fc.constantFrom('', 'NaN', '12', 'true', 'null', '[object Object]', '__proto__'),
  array: fc.oneof(
    fc.constant([]),
    fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 1, maxLength: 3 }),
    fc.constant(deeplyNested(2_000)),
  ),
  object: fc.oneof(
    fc.constant({}),
    fc.constantFrom(...pollutionKeys).map((key) => ({ [key]: { polluted: true } })),
    fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 3 }),
  ),
};

function typeSites(node: Node, root: JsonSchema): Site[] {
  const allowed = allowedTypes(node.schema, root);
  if (allowed === undefined) return [];
  // `number` is wrong for an integer-only schema (a fraction); `integer` never is for a number one.
  const forbidden = JSON_TYPES.filter((type) => !allowed.has(type));
  if (forbidden.length === 0) return [];
  const replacement = fc
    .constantFrom(...forbidden)
    .chain((type) => valuesOfType[type])
    .filter((candidate) => !allowed.has(jsonTypeOf(candidate)));
  return [{ description: 'wrong type', path: node.path, replacement }];
}

function valueSites(node: Node): Site[] {
  const { schema, path } = node;
  const sites: Site[] = [];
  const add = (description: string, replacement: Arbitrary<unknown>) =>
    sites.push({ description, path, replacement });
  if ('const' in schema) add('not the constant', fc.constant(`not-${String(schema['const'])}`));
  if (Array.isArray(schema['enum'])) {
    const members = new Set(schema['enum']);
    add(
      'not in the enum',
      fc.string().filter((text) => !members.has(text)),
    );
  }
  if (typeof node.value === 'string') sites.push(...stringSites(node));
  if (typeof node.value === 'number') sites.push(...numberSites(node));
  return sites;
}

function stringSites(node: Node): Site[] {
  const { schema, path } = node;
  const sites: Site[] = [];
  const maxLength = schema['maxLength'];
  const minLength = schema['minLength'];
  if (typeof maxLength === 'number' && maxLength < 1_000_000) {
    sites.push({
      description: 'too long',
      path,
      replacement: fc.constant('x'.repeat(maxLength + 1)),
    });
  }
  if (typeof minLength === 'number' && minLength > 0) {
    sites.push({ description: 'too short', path, replacement: fc.constant('') });
  }
  const patterns = patternsOf(schema).map((pattern) => new RegExp(pattern, 'u'));
  if (patterns.length > 0) {
    const failing = fc
      .oneof(fc.constantFrom('\u0000', ' ', '\n', '%', 'é', '', '  \t '), fc.string())
      .filter((text) => patterns.some((pattern) => !pattern.test(text)));
    sites.push({ description: 'pattern not matched', path, replacement: failing });
  }
  if (schema['format'] === 'date-time') {
    const notInstants = ['yesterday', '2026-02-30T00:00:00Z', '2026-11-29T04:31:42', '1e12'];
    sites.push({
      description: 'not a date-time',
      path,
      replacement: fc.constantFrom(...notInstants),
    });
  }
  if (schema['format'] === 'uri') {
    sites.push({ description: 'not a URI', path, replacement: fc.constantFrom('not a url', '//') });
  }
  return sites;
}

function numberSites(node: Node): Site[] {
  const { schema, path } = node;
  const sites: Site[] = [];
  const bound = (key: string, offset: number, description: string) => {
    const limit = schema[key];
    if (typeof limit === 'number' && Math.abs(limit) < Number.MAX_SAFE_INTEGER) {
      sites.push({ description, path, replacement: fc.constant(limit + offset) });
    }
  };
  bound('maximum', 1, 'above the maximum');
  bound('minimum', -1, 'below the minimum');
  bound('exclusiveMinimum', 0, 'at the exclusive minimum');
  bound('exclusiveMaximum', 0, 'at the exclusive maximum');
  const multipleOf = schema['multipleOf'];
  if (typeof multipleOf === 'number') {
    const value = node.value as number;
    sites.push({
      description: 'not a multiple',
      path,
      replacement: fc.constant(value + multipleOf / 2),
    });
  }
  return sites;
}

function arraySites(node: Node): Site[] {
  const { schema, path } = node;
  const value = node.value as unknown[];
  const sites: Site[] = [];
  const maxItems = schema['maxItems'];
  if (typeof maxItems === 'number' && maxItems < 100_000 && value.length > 0) {
    const longer = Array.from({ length: maxItems + 1 }, (_, index) => value[index % value.length]);
    sites.push({ description: 'too many items', path, replacement: fc.constant(longer) });
  }
  const minItems = schema['minItems'];
  if (typeof minItems === 'number' && minItems > 0) {
    sites.push({
      description: 'too few items',
      path,
      replacement: fc.constant(value.slice(0, minItems - 1)),
    });
  }
  return sites;
}

function objectSites(node: Node): Site[] {
  const { schema, path } = node;
  const record = node.value as Record<string, unknown>;
  const sites: Site[] = ((schema['required'] as string[] | undefined) ?? [])
    .filter((key) => key in record)
    .map((key) => ({
      description: 'required field removed',
      path: [...path, key],
      replacement: fc.constant(undefined),
    }));
  if (schema['additionalProperties'] === false) {
    const properties = (schema['properties'] ?? {}) as Record<string, unknown>;
    const unknownKey = fc
      .oneof(
        fc.constantFrom(...pollutionKeys, 'unexpected', 'eventtype'),
        fc.string({ minLength: 1 }),
      )
      .filter((key) => !(key in properties));
    sites.push({
      description: 'unknown field added',
      path,
      replacement: unknownKey.map((key) => withOwnKey(record, key, 'surprise')),
    });
  }
  const alternatives = schema['anyOf'];
  if (isRequiredAlternatives(alternatives))
    sites.push(withoutAlternatives(record, alternatives, path));
  return [...sites, ...dependencySites(schema, record, path)];
}

/** `dependentRequired`: a field present without a field it needs (reported at the former). */
function dependencySites(
  schema: JsonSchema,
  record: Record<string, unknown>,
  path: JsonPath,
): Site[] {
  const dependencies = (schema['dependentRequired'] ?? {}) as Record<string, string[]>;
  return Object.entries(dependencies)
    .filter(([key]) => key in record)
    .flatMap(([key, needed]) =>
      needed.map((dependency) => ({
        description: `${key} without ${dependency}`,
        path: [...path, dependency],
        replacement: fc.constant(undefined),
        reportedAt: [...path, key],
      })),
    );
}

/** Removes every field of "one of these is required" (e.g. both `userId` and `anonymousId`). */
function withoutAlternatives(
  record: Record<string, unknown>,
  alternatives: Array<{ required: string[] }>,
  path: JsonPath,
): Site {
  const keys = new Set(alternatives.flatMap((alternative) => alternative.required));
  const rest = Object.fromEntries(Object.entries(record).filter(([key]) => !keys.has(key)));
  const first = alternatives[0]?.required[0];
  return {
    description: 'every alternative required field removed',
    path,
    replacement: fc.constant(rest),
    reportedAt: first === undefined ? path : [...path, first],
  };
}

/** A copy with `key` as an own data property, even for `__proto__`. */
function withOwnKey(
  record: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const copy = { ...record };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A deep copy of `value` with the node at `path` replaced (`undefined` removes an object field). */
export function replaceAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) =>
      index === head ? replaceAt(item, rest, replacement) : item,
    );
  }
  const record = value as Record<string, unknown>;
  const next = replaceAt(record[head as string], rest, replacement);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (key === head && next === undefined) continue;
    Object.defineProperty(copy, key, {
      value: key === head ? next : record[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}
