/** Property tests: whatever arrives, the contracts answer with a result, never an exception. */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractSchemas, storefrontEventSchema, toValidationIssues } from './index';

const valid = JSON.parse(
  readFileSync(join(__dirname, '__fixtures__/valid/purchase.v1.json'), 'utf8'),
) as Record<string, unknown>;

describe('contracts under arbitrary input', () => {
  it('never throw, and report bounded issues, for any JSON-like value', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 6 }), (value) => {
        const schemas = [storefrontEventSchema, ...Object.values(contractSchemas)];
        const issueCounts = schemas
          .map((schema) => schema.safeParse(value))
          .map((result) => (result.success ? 0 : toValidationIssues(result.error).length));
        expect(Math.max(...issueCounts)).toBeLessThanOrEqual(20);
      }),
      { numRuns: 300 },
    );
  });

  it('reject any purchase whose field was replaced by a value of another type, naming that field', () => {
    const fields = Object.keys(valid).filter(
      (field) =>
        !['userId', 'anonymousId', 'properties', 'context', 'shipping', 'tax'].includes(field),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...fields),
        fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string())),
        (field, replacement) => {
          fc.pre(
            typeof replacement !== typeof valid[field] ||
              Array.isArray(replacement) !== Array.isArray(valid[field]),
          );
          const result = storefrontEventSchema.safeParse({ ...valid, [field]: replacement });
          expect(result.success).toBe(false);
          const paths = toValidationIssues(result.error!).map((issue) => issue.path.split('.')[0]);
          expect(paths.some((path) => path === field || path === '')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keep any unicode text of a valid review intact', () => {
    const review = JSON.parse(
      readFileSync(join(__dirname, '__fixtures__/valid/review.v1.json'), 'utf8'),
    ) as Record<string, unknown>;
    fc.assert(
      fc.property(
        fc
          .string({ unit: 'grapheme', minLength: 1, maxLength: 200 })
          .filter((text) => text.trim().length > 0),
        (text) => {
          const parsed = storefrontEventSchema.parse({ ...review, text });
          expect(parsed.eventType === 'review' && parsed.text).toBe(text.trim());
        },
      ),
      { numRuns: 200 },
    );
  });
});
