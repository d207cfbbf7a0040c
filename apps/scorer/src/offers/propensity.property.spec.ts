import fc from 'fast-check';
import { userFeaturesWith } from './propensity.fixtures';
import { purchasePropensity } from './propensity';

const NOW = Date.parse('2026-11-29T12:00:00.000Z');
const DAY = 86_400_000;

function userWith(counts: { view: number; cart: number; purchase: number }, idleMs: number) {
  return userFeaturesWith(counts, NOW - idleMs, NOW);
}

describe('purchasePropensity over any history', () => {
  it('is a probability for a heavy carter without views (regression: NaN → POST /v1/offers 500)', () => {
    // Counterexample of the scorer's offers property (seed 20261129): more carts than views made the
    // smoothed view→cart "rate" exceed 1, and (1 − perVisit)^visits of a negative base is NaN, which
    // selectOfferRecipients refused with a RangeError — a 500 for the whole request.
    const propensity = purchasePropensity(userWith({ view: 5, cart: 50, purchase: 50 }, 3_600_000));
    expect(propensity).toBeGreaterThanOrEqual(0);
    expect(propensity).toBeLessThanOrEqual(1);
  });

  it('is within [0, 1] for any non-negative counts and idle time', () => {
    const count = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 1_000_000 }));
    fc.assert(
      fc.property(
        fc.record({ view: count, cart: count, purchase: count }),
        fc.integer({ min: -DAY, max: 5_000 * DAY }),
        (counts, idleMs) => {
          const propensity = purchasePropensity(userWith(counts, idleMs));
          expect(Number.isFinite(propensity)).toBe(true);
          expect(propensity).toBeGreaterThanOrEqual(0);
          expect(propensity).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 500, seed: 20_261_129 },
    );
  });
});
