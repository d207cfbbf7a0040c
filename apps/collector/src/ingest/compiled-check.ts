/**
 * The first check of an untrusted value: compiled (ajv) from the JSON Schema libs/contracts derives from
 * the zod schema, so zod stays the one definition. `true` means zod accepts the value and hands it on as
 * it is; `false` is no verdict: the caller then asks zod, which rejects with its own issues (the error
 * body) or accepts (e.g. a string it trims). A value is therefore accepted or refused exactly as zod
 * decides, and zod runs only on that path.
 *
 * Where a JSON Schema keyword does not say exactly what zod checks, the node gets a `zodCheck` keyword
 * that runs the node's own zod schema: string formats (zod parses URLs with `new URL`), `multipleOf`
 * (zod's decimal-safe remainder), strings zod trims (only values already trimmed pass) and the rules the
 * contracts list as unexpressed (a purchase's revenue). String lengths count code points and patterns
 * run without the `u` flag, as zod's do. A schema whose values zod changes in other ways (defaults,
 * transforms, pipes) gets no compiled check: compiling it throws.
 */
import Ajv2020, { type KeywordDefinition } from 'ajv/dist/2020';
import { z } from 'zod';
import {
  componentJsonSchemas,
  itemUpsertedV1Schema,
  storefrontEventSchemas,
  unexpressedRuleOf,
  type JsonSchema,
  type JsonSchemaOverride,
} from '@recsys/contracts';

/** true: zod accepts the value and returns it unchanged; false: ask zod. */
export type CompiledCheck = (value: unknown) => boolean;

const ZOD_CHECK = 'zodCheck';

/** Nodes whose output is not their input: a value that passes them is not the value zod returns. */
const TRANSFORMING = [z.ZodPipe, z.ZodTransform, z.ZodDefault, z.ZodPrefault, z.ZodCatch] as const;

/** Runs the zod schema of a node (by its index in `nodes`) where JSON Schema cannot state its rule. */
function zodCheckKeyword(nodes: readonly z.ZodType[]): KeywordDefinition {
  return {
    keyword: ZOD_CHECK,
    schemaType: 'number',
    errors: false,
    validate: (index: number, data: unknown) => {
      const parsed = nodes[index]!.safeParse(data);
      // An object's parts are checked by their own keywords; a primitive must come back as it was.
      return parsed.success && (typeof data === 'object' || parsed.data === data);
    },
  };
}

function overwrites(zodSchema: z.ZodType): boolean {
  return (zodSchema.def.checks ?? []).some((check) => check._zod.def.check === 'overwrite');
}

function needsZod(zodSchema: z.ZodType, jsonSchema: JsonSchema): boolean {
  return (
    jsonSchema['format'] !== undefined ||
    jsonSchema['multipleOf'] !== undefined ||
    unexpressedRuleOf.has(zodSchema) ||
    overwrites(zodSchema)
  );
}

/** Marks the nodes zod must check (the keywords zod reads its own way go), refuses transforming ones. */
function markNodesForZod(nodes: z.ZodType[]): JsonSchemaOverride {
  return ({ zodSchema, jsonSchema }) => {
    const node = zodSchema as z.ZodType;
    const transforming = TRANSFORMING.find((type) => node instanceof type);
    if (transforming !== undefined) {
      throw new Error(
        `no compiled check for a schema with a ${node.def.type} (zod changes values)`,
      );
    }
    if (!needsZod(node, jsonSchema)) return;
    delete jsonSchema['format'];
    delete jsonSchema['multipleOf'];
    jsonSchema[ZOD_CHECK] = nodes.push(node) - 1;
  };
}

/** One compiled check per named zod schema (one ajv instance for all of them). */
export function compileChecks<TName extends string>(
  schemas: Record<TName, z.ZodType>,
): Record<TName, CompiledCheck> {
  const nodes: z.ZodType[] = [];
  const override = markNodesForZod(nodes);
  // Each schema on its own, so none refers to another by `$ref`.
  const jsonSchemaOf = (name: TName) =>
    componentJsonSchemas({ [name]: schemas[name] }, { override })[name]!;
  const ajv = new Ajv2020({
    strict: true,
    // "userId or anonymousId" is an `anyOf` of `required` alternatives naming the event's properties.
    strictRequired: false,
    allErrors: false,
    strictNumbers: true,
    // Lengths count code points (a surrogate pair is one), as zod's do; zod's regexes carry no `u` flag.
    unicodeRegExp: false,
    keywords: [zodCheckKeyword(nodes)],
  });
  const names = Object.keys(schemas) as TName[];
  return Object.fromEntries(
    names.map((name) => {
      const validate = ajv.compile(jsonSchemaOf(name));
      return [name, (value: unknown) => validate(value)];
    }),
  ) as Record<TName, CompiledCheck>;
}

let storefrontEventCheck: CompiledCheck | undefined;
let itemCheck: CompiledCheck | undefined;

/**
 * The storefront event union read as zod's discriminated union reads it: the compiled check of the
 * value's `eventType`; false (ask zod) for anything else. Compiled once per process, on first use.
 */
export function compiledStorefrontEventCheck(): CompiledCheck {
  if (storefrontEventCheck !== undefined) return storefrontEventCheck;
  const checks = new Map<unknown, CompiledCheck>(
    Object.entries(compileChecks(storefrontEventSchemas)),
  );
  storefrontEventCheck = (value) => {
    if (typeof value !== 'object' || value === null) return false;
    const check = checks.get((value as { eventType?: unknown }).eventType);
    return check !== undefined && check(value);
  };
  return storefrontEventCheck;
}

/** The compiled check of `item_upserted` v1, compiled once per process, on first use. */
export function compiledItemCheck(): CompiledCheck {
  itemCheck ??= compileChecks({ item: itemUpsertedV1Schema }).item;
  return itemCheck;
}
