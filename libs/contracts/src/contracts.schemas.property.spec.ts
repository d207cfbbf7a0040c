/**
 * Every versioned contract against values generated from its own JSON Schema (the one its OpenAPI
 * documents publish): whatever the schema generates — unicode edge cases, injection strings and
 * pollution keys included — parses; every one-place break of the schema is refused with an issue that
 * names where, and a message. Failures print fast-check's seed and path (replay: PROPERTY_SEED=<seed>).
 */
import fc from 'fast-check';
import type { z } from 'zod';
import {
  arbitraryFromJsonSchema,
  balancePurchases,
  fitTrainingFeatureArrays,
  mutationsOf,
  overTheWire,
  propertyParameters,
  type JsonSchema,
} from '@recsys/testing';
import {
  contractJsonSchema,
  contractSchemas,
  offerRequestV1Schema,
  rankRequestV1Schema,
  recommendationQueryV1Schema,
  storefrontEventSchema,
  toValidationIssues,
} from './index';

const schemas: Record<string, z.ZodType> = {
  ...contractSchemas,
  'storefront-event (union)': storefrontEventSchema,
  'rank-request.v1 (HTTP)': rankRequestV1Schema,
  'offer-request.v1 (HTTP)': offerRequestV1Schema,
};

function issuesOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? undefined : toValidationIssues(result.error);
}

/** Paths are related when one is a prefix of the other (a refinement reports on the parent). */
function related(issuePath: string, mutationPath: Array<string | number>): boolean {
  const expected = mutationPath.map(String).join('.');
  return (
    issuePath === expected ||
    expected.startsWith(`${issuePath}.`) ||
    issuePath.startsWith(`${expected}.`)
  );
}

describe.each(Object.keys(schemas))('contract %s', (name) => {
  const schema = schemas[name]!;
  const jsonSchema: JsonSchema = contractJsonSchema(schema);
  const valid = arbitraryFromJsonSchema(jsonSchema).map((value) =>
    overTheWire(fitTrainingFeatureArrays(balancePurchases(value))),
  );

  it('accepts every value its JSON Schema generates, without touching Object.prototype', () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    fc.assert(
      fc.property(valid, (value) => {
        expect(issuesOf(schema, value)).toBeUndefined();
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      propertyParameters(100),
    );
  });

  it('rejects every one-place break of its schema with an issue naming the place and a message', () => {
    const mutated = valid.chain(
      (value) => mutationsOf(jsonSchema, value) ?? fc.constant(undefined),
    );
    fc.assert(
      fc.property(mutated, (mutation) => {
        fc.pre(mutation !== undefined);
        const broken = mutation;
        const issues = issuesOf(schema, overTheWire(broken.value)) ?? [];
        expect({ mutation: broken.description, rejected: issues.length > 0 }).toEqual({
          mutation: broken.description,
          rejected: true,
        });
        for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
        const paths = issues.map((issue) => issue.path);
        expect({
          mutation: broken.description,
          paths,
          named: paths.some((path) => related(path, broken.path)),
        }).toMatchObject({ named: true });
      }),
      propertyParameters(150),
    );
  });
});

describe('recommendation query (HTTP query string)', () => {
  const jsonSchema = contractJsonSchema(recommendationQueryV1Schema);
  /** A query string carries text only: what Fastify hands the controller. */
  const asQuery = (value: unknown) =>
    Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, entry]) => [key, String(entry)]),
    );

  it('accepts every query its JSON Schema generates, as text', () => {
    fc.assert(
      fc.property(arbitraryFromJsonSchema(jsonSchema), (value) => {
        expect(issuesOf(recommendationQueryV1Schema, asQuery(value))).toBeUndefined();
      }),
      propertyParameters(200),
    );
  });
});

describe('the rule JSON Schema cannot state', () => {
  const purchase = arbitraryFromJsonSchema(contractJsonSchema(contractSchemas['purchase.v1'])).map(
    (value) => overTheWire(balancePurchases(value)) as { revenue: number },
  );

  it('rejects a purchase whose revenue is more than a cent off the sum of its lines, at revenue', () => {
    fc.assert(
      fc.property(purchase, fc.double({ min: 0.02, max: 1e6, noNaN: true }), (order, delta) => {
        const revenue = order.revenue >= delta ? order.revenue - delta : order.revenue + delta;
        const issues = issuesOf(contractSchemas['purchase.v1'], { ...order, revenue });
        expect(issues?.map((issue) => issue.path)).toContain('revenue');
      }),
      propertyParameters(100),
    );
  });
});
