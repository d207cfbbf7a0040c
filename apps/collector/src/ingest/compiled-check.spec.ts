/**
 * The compiled check against zod, on values generated from the contracts' own JSON Schemas: valid ones,
 * one-place breaks of them, values at the rules JSON Schema does not state exactly (strings zod trims,
 * URLs, steps of 0.5, lengths in UTF-16 units, a purchase's revenue, `__proto__` keys) and arbitrary
 * JSON. Properties: a value the compiled check passes is one zod accepts and returns unchanged; and a
 * batch checked with it gives the same messages, rejections (the error bodies) and dead letters as zod
 * alone. Fixed seed; PROPERTY_SEED / PROPERTY_RUNS_FACTOR replay or enlarge.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc, { type Arbitrary } from 'fast-check';
import { z } from 'zod';
import {
  contractJsonSchema,
  itemUpsertedV1Schema,
  storefrontEventSchema,
  type ErrorCode,
} from '@recsys/contracts';
import {
  arbitraryFromJsonSchema,
  balancePurchases,
  mutationsOf,
  overTheWire,
  propertyParameters,
  replaceAt,
  type JsonPath,
} from '@recsys/testing';
import { checkBatch, optional, textField, type BatchContract } from './batch-check';
import {
  compileChecks,
  compiledItemCheck,
  compiledStorefrontEventCheck,
  type CompiledCheck,
} from './compiled-check';

const FIXTURES = join(__dirname, '../../../../libs/contracts/src/__fixtures__/valid');
const readFixture = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Record<string, unknown>;

interface Subject {
  name: string;
  schema: z.ZodType;
  check: () => CompiledCheck;
  codes: { invalid: ErrorCode; tooLarge: ErrorCode };
  fixtures: string[];
  /** Values at the edges of what JSON Schema states exactly: [path, replacements]. */
  edges: Array<[JsonPath, unknown[]]>;
}

const fixtureFiles = readdirSync(FIXTURES);
const eventFixtures = fixtureFiles.filter(
  (file) => storefrontEventSchema.safeParse(readFixture(file)).success,
);

const untrimmed = [' x', 'x ', '\tx', 'x\n', '\u00a0x', 'x\ufeff', '\u2028x', ' ', ''];
const urls = [
  ' https://shop.example/p',
  'https://shop.example/p ',
  'https://shop.ex\tample/p',
  'https://shop.example/p\n',
  'https://exa mple.com/',
  'shop.example/p',
  'javascript:alert(1)',
  'http://[::1]:8080/a?b=c#d',
  'mailto:someone@example.com',
  'https://münchen.example/ü',
];
/** Around the 128 limit of ids, which zod measures in code points (a surrogate pair is one). */
const astral = [
  '😀'.repeat(128),
  '😀'.repeat(129),
  `${'a'.repeat(127)}😀`,
  '\ud800'.repeat(128),
  '\ud800'.repeat(129),
  `😀${'\udc00'.repeat(127)}`,
  'a'.repeat(129),
];

const SUBJECTS: Subject[] = [
  {
    name: 'storefront event',
    schema: storefrontEventSchema,
    check: compiledStorefrontEventCheck,
    codes: { invalid: 'EVENT_INVALID', tooLarge: 'EVENT_TOO_LARGE' },
    fixtures: eventFixtures,
    edges: [
      [['query'], untrimmed],
      [['text'], untrimmed],
      [['title'], untrimmed],
      [['categoryPath', 0], untrimmed],
      [['context', 'page', 'url'], urls],
      [['context', 'referrer'], urls],
      [['rating'], [4.5, 4.500000000000001, 4.4999999999999995, 0.49999999999999994, 5 + 1e-15]],
      [['userId'], astral],
      [['itemId'], astral],
      [
        ['properties'],
        [{ a: 'b'.repeat(1024) }, { ['😀'.repeat(32)]: 1 }, { ['😀'.repeat(33)]: 1 }],
      ],
      [['timestamp'], ['2026-02-29T00:00:00Z', '2024-02-29T00:00:00Z', '2026-11-29T10:15:30z']],
      [['timestamp'], ['2026-11-29T10:15:30.123456789+01:00', '2026-11-29T24:00:00Z']],
      [['price'], [Infinity, -0, 1e9, 1e9 + 1e-7]],
      [
        ['items', 0, 'score'],
        [Infinity, -Infinity, 1e308, -0],
      ],
      [['revenue'], [0, 179.8, 179.81, 179.811, 179.789]],
      [['resultCount'], [2 ** 53 - 1, 2 ** 53, 1.5]],
      [['eventType'], ['toString', '__proto__', 'constructor', 'hasOwnProperty']],
    ],
  },
  {
    name: 'catalogue item',
    schema: itemUpsertedV1Schema,
    check: compiledItemCheck,
    codes: { invalid: 'ITEM_INVALID', tooLarge: 'ITEM_TOO_LARGE' },
    fixtures: ['item-upserted.v1.json'],
    edges: [
      [['title'], untrimmed],
      [['brand'], untrimmed],
      [['categoryPath', 1], untrimmed],
      [['imageUrl'], urls],
      [['itemId'], astral],
    ],
  },
];

/** A batch contract like the use cases' (they add pseudonyms and headers; neither depends on the path). */
function contractOf(
  subject: Subject,
  compiledCheck: CompiledCheck | undefined,
): BatchContract<unknown, 'events.raw.v1'> {
  return {
    noun: subject.name,
    schema: subject.schema,
    ...(compiledCheck ? { compiledCheck } : {}),
    codes: subject.codes,
    // Small enough that some generated values are refused for their size on either path.
    maxBytes: 1_500,
    toMessage: (value) => ({ key: 'k', value: value as never }),
    identify: (value) => ({
      reference: optional('eventId', textField(value, 'eventId')),
      deadLetter: optional('eventType', textField(value, 'eventType')),
    }),
    redact: (value) => value,
    now: new Date('2026-11-29T05:00:00.000Z'),
  };
}

/** Every fixture with each edge value at its path (where the fixture has the parent). */
function edgeCases(subject: Subject): unknown[] {
  const fixtures = subject.fixtures.map(readFixture);
  return subject.edges.flatMap(([path, replacements]) =>
    fixtures
      .filter((fixture) => hasParent(fixture, path))
      .flatMap((fixture) =>
        replacements.map((replacement) => replaceAt(fixture, path, replacement)),
      ),
  );
}

function hasParent(value: unknown, path: JsonPath): boolean {
  let node = value;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return false;
    node = (node as Record<string | number, unknown>)[key];
  }
  return typeof node === 'object' && node !== null;
}

/** JSON text a client may send that JSON.stringify would not write: pollution keys, huge numbers. */
function parsedTexts(subject: Subject): unknown[] {
  return subject.fixtures.map(readFixture).flatMap((fixture) => {
    const text = JSON.stringify(fixture);
    return [
      text.replace('{', '{"__proto__":{"polluted":true},'),
      text.replace('{', '{"constructor":{"prototype":{"polluted":true}},'),
      text.replace(/"schemaVersion":1/, '"schemaVersion":1e400'),
      text.replace(/"schemaVersion":1/, '"schemaVersion":1.0'),
    ].map((variant) => JSON.parse(variant) as unknown);
  });
}

const WRONG = 'passed, but zod refuses or changes it';

function verdictOf(subject: Subject, check: CompiledCheck, value: unknown): string {
  if (!check(value)) return 'left to zod';
  const parsed = subject.schema.safeParse(value);
  return parsed.success && isDeepStrictEqual(parsed.data, value)
    ? 'passed as zod returns it'
    : WRONG;
}

describe.each(SUBJECTS)('the compiled check of the $name', (subject) => {
  const jsonSchema = contractJsonSchema(subject.schema);
  const valid = arbitraryFromJsonSchema(jsonSchema).map((value) =>
    overTheWire(balancePurchases(value)),
  );
  const broken = valid.chain((value) => {
    const mutations = mutationsOf(jsonSchema, value);
    return mutations
      ? mutations.map((mutation) => overTheWire(mutation.value))
      : fc.constant(value);
  });
  const edges = fc.constantFrom(...edgeCases(subject), ...parsedTexts(subject));
  const values: Arbitrary<unknown> = fc.oneof(valid, broken, edges, fc.jsonValue());
  let check: CompiledCheck;

  beforeAll(() => {
    check = subject.check();
  });

  it('passes every valid fixture (the fast path is taken)', () => {
    expect(subject.fixtures.length).toBeGreaterThan(0);
    for (const file of subject.fixtures)
      expect({ file, passed: check(readFixture(file)) }).toEqual({ file, passed: true });
  });

  it('passes only values zod accepts and returns unchanged', () => {
    fc.assert(
      fc.property(values, (value) => {
        expect(verdictOf(subject, check, value)).not.toBe(WRONG);
      }),
      propertyParameters(600),
    );
  });

  it('passes most of what its JSON Schema generates (zod runs on the failure path only)', () => {
    const sample = fc.sample(valid, { seed: propertyParameters(0).seed!, numRuns: 200 });
    const passed = sample.filter((value) => check(value)).length;
    expect(passed / sample.length).toBeGreaterThan(0.8);
  });

  it('passes exactly the edge values zod accepts and returns as they are', () => {
    const wrong = [...edgeCases(subject), ...parsedTexts(subject)].filter((value) => {
      const parsed = subject.schema.safeParse(value);
      return check(value) !== (parsed.success && isDeepStrictEqual(parsed.data, value));
    });
    expect(wrong).toEqual([]);
  });

  it('checks a batch as zod alone does: same messages, rejections and dead letters', () => {
    fc.assert(
      fc.property(fc.array(values, { minLength: 1, maxLength: 8 }), (batch) => {
        const zodOnly = checkBatch(batch, contractOf(subject, undefined));
        expect(checkBatch(batch, contractOf(subject, check))).toEqual(zodOnly);
      }),
      propertyParameters(200),
    );
  });
});

describe('compileChecks', () => {
  it('refuses a schema whose values zod changes other than by trimming', () => {
    const withDefault = z.strictObject({ a: z.string().default('x') });
    expect(() => compileChecks({ withDefault })).toThrow(/default/);
    const transformed = z.string().transform((text) => text.length);
    expect(() => compileChecks({ transformed })).toThrow(/pipe|transform/);
  });
});
