import fc from 'fast-check';
import { parseExperiment, type Experiment } from './experiment';
import { twoSidedZ } from './normal';
import { buildReport, type ArmCounters } from './report';
import { decidePromotion } from './promotion';

/** Every number a report holds survives JSON (no NaN or ±∞, which JSON turns into null). */
function nonFinite(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path}=${value}`];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => nonFinite(inner, `${path}.${key}`));
}

const experimentWith = (alpha: number, arms: number): Experiment =>
  parseExperiment({
    id: 'exp',
    description: '',
    status: 'running',
    startedAt: '2026-11-29T08:00:00Z',
    arms: Array.from({ length: arms }, (_, index) => ({
      name: `arm${index}`,
      share: 1 / arms,
      strategy: { kind: 'popularity' },
    })),
    controlArm: 'arm0',
    primaryMetric: 'ctr',
    guardrails: { minImpressionsPerArm: 0, minUsersPerArm: 0, maxConversionDrop: 0.02, alpha },
    autoPromote: false,
  });

const counters: fc.Arbitrary<ArmCounters> = fc
  .record({
    impressions: fc.nat(10_000),
    clicks: fc.nat(10_000),
    exposedUsers: fc.nat(10_000),
    convertedUsers: fc.nat(10_000),
    revenue: fc.double({ min: 0, max: 1e9, noNaN: true }),
  })
  .map((c) => ({
    ...c,
    clicks: Math.min(c.clicks, c.impressions),
    convertedUsers: Math.min(c.convertedUsers, c.exposedUsers),
  }));

describe('experiment report over any counters and guardrails', () => {
  it('z of a two-sided interval is finite for every alpha the schema accepts (regression)', () => {
    // Counterexample of schemathesis on GET /v1/experiments/{id}/report (seed 20261129): alpha 1e-300
    // made 1 − alpha/2 round to 1, z = ∞, and the intervals of an arm without data 0 × ∞ = NaN → null.
    for (const alpha of [1e-300, 5e-324, 1e-17, 0.05, 0.5]) {
      expect(Number.isFinite(twoSidedZ(alpha))).toBe(true);
    }
    expect(twoSidedZ(0.05)).toBeCloseTo(1.959964, 6);
  });

  it('holds only finite numbers, and a decision, whatever the counters and alpha', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: Number.MIN_VALUE, max: 0.5, noNaN: true }), fc.constant(5e-324)),
        fc
          .integer({ min: 2, max: 5 })
          .chain((arms) => fc.array(counters, { minLength: arms, maxLength: arms })),
        (alpha, armCounters) => {
          const experiment = experimentWith(alpha, armCounters.length);
          const report = buildReport(
            experiment,
            Object.fromEntries(armCounters.map((arm, index) => [`arm${index}`, arm])),
          );
          expect(nonFinite(report)).toEqual([]);
          expect(decidePromotion(report, experiment.guardrails).action).toMatch(/^(keep|promote)$/);
        },
      ),
      { numRuns: 300, seed: 20_261_129 },
    );
  });
});
