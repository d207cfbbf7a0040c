/**
 * The small part of JSON Schema (draft 2020-12) the property generators read: `$ref` into the root
 * document, the JSON types a schema allows, its patterns, and the branch of a union a value belongs to.
 */
export type JsonSchema = Record<string, unknown>;
export type JsonPath = Array<string | number>;
export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

export const JSON_TYPES: readonly JsonType[] = [
  'null',
  'boolean',
  'integer',
  'number',
  'string',
  'array',
  'object',
];

/** Follows `$ref`s (`#/json/pointer` into `root`) until a schema without one. */
export function resolveSchema(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current['$ref'] === 'string'; hops += 1) {
    if (hops > 32) throw new Error(`$ref cycle at ${String(current['$ref'])}`);
    current = pointer(root, current['$ref']);
  }
  return current;
}

function pointer(root: JsonSchema, ref: string): JsonSchema {
  if (!ref.startsWith('#')) throw new Error(`only local $refs are supported, got ${ref}`);
  const segments = ref
    .slice(1)
    .split('/')
    .filter(Boolean)
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = root;
  for (const segment of segments) node = (node as Record<string, unknown> | undefined)?.[segment];
  if (typeof node !== 'object' || node === null) throw new Error(`unresolved $ref ${ref}`);
  return node as JsonSchema;
}

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

/** The union members of a schema (`oneOf` or typed `anyOf`), or undefined when it is not a union. */
export function unionMembers(schema: JsonSchema): JsonSchema[] | undefined {
  const members = (schema['oneOf'] ?? schema['anyOf']) as JsonSchema[] | undefined;
  if (members === undefined || isRequiredAlternatives(members)) return undefined;
  return members;
}

/** `anyOf: [{ required: [a] }, { required: [b] }]`: "one of these fields must be present". */
export function isRequiredAlternatives(members: unknown): members is Array<{ required: string[] }> {
  return (
    Array.isArray(members) &&
    members.every(
      (member: unknown) =>
        typeof member === 'object' &&
        member !== null &&
        Object.keys(member).length === 1 &&
        Array.isArray((member as JsonSchema)['required']),
    )
  );
}

/** The JSON types a schema allows; undefined when it allows any value. */
export function allowedTypes(schema: JsonSchema, root: JsonSchema): Set<JsonType> | undefined {
  const resolved = resolveSchema(schema, root);
  if ('const' in resolved) return new Set([jsonTypeOf(resolved['const'])]);
  if (Array.isArray(resolved['enum'])) return new Set(resolved['enum'].map(jsonTypeOf));
  const members = unionMembers(resolved);
  if (members) return unionTypes(members, root);
  const type = resolved['type'];
  if (type === undefined) return undefined;
  const types = new Set((Array.isArray(type) ? type : [type]) as JsonType[]);
  if (types.has('number')) types.add('integer');
  return types;
}

function unionTypes(members: JsonSchema[], root: JsonSchema): Set<JsonType> | undefined {
  const types = new Set<JsonType>();
  for (const member of members) {
    const memberTypes = allowedTypes(member, root);
    if (memberTypes === undefined) return undefined;
    memberTypes.forEach((type) => types.add(type));
  }
  return types;
}

/** Every pattern a string must match: its own and those of `allOf` members. */
export function patternsOf(schema: JsonSchema): string[] {
  const own = typeof schema['pattern'] === 'string' ? [schema['pattern']] : [];
  const all = ((schema['allOf'] as JsonSchema[] | undefined) ?? [])
    .map((member) => member['pattern'])
    .filter((pattern): pattern is string => typeof pattern === 'string');
  return [...own, ...all];
}

/**
 * The member of a union `value` was generated from: for objects, the one whose `const` properties
 * (discriminators) the value has; otherwise the first whose types include the value's.
 */
export function memberOf(
  members: JsonSchema[],
  value: unknown,
  root: JsonSchema,
): JsonSchema | undefined {
  return members.find((member) => {
    const resolved = resolveSchema(member, root);
    const types = allowedTypes(resolved, root);
    const type = jsonTypeOf(value);
    if (types !== undefined && !types.has(type)) return false;
    if (type !== 'object') return true;
    const properties = (resolved['properties'] ?? {}) as Record<string, JsonSchema>;
    return Object.entries(properties).every(
      ([key, property]) =>
        !('const' in property) || (value as Record<string, unknown>)[key] === property['const'],
    );
  });
}
