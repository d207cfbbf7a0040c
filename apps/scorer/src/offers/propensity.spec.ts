import { decodeUserFeatures } from '@recsys/features';
import { userFeaturesWith } from './propensity.fixtures';
import { purchasePropensity } from './propensity';

const NOW = Date.parse('2026-11-29T12:00:00.000Z');
const DAY = 86_400_000;

function userWith(counts: { view: number; cart: number; purchase: number }, lastMs: number) {
  return userFeaturesWith(counts, lastMs, NOW);
}

describe('purchasePropensity', () => {
  it('ranks a buyer above a browser above an unknown shopper, all within [0, 1]', () => {
    const unknown = purchasePropensity(
      decodeUserFeatures(
        { profile: {}, categoryAffinity: {}, brandAffinity: {}, sequence: [] },
        NOW,
      ),
    );
    const browser = purchasePropensity(userWith({ view: 30, cart: 1, purchase: 0 }, NOW - DAY));
    const buyer = purchasePropensity(userWith({ view: 30, cart: 8, purchase: 5 }, NOW - DAY));
    expect(unknown).toBeGreaterThanOrEqual(0);
    expect(buyer).toBeLessThanOrEqual(1);
    expect(buyer).toBeGreaterThan(browser);
    expect(browser).toBeGreaterThan(unknown);
  });

  it('lowers the propensity of a shopper who has been idle', () => {
    const counts = { view: 30, cart: 8, purchase: 5 };
    expect(purchasePropensity(userWith(counts, NOW - 30 * DAY))).toBeLessThan(
      purchasePropensity(userWith(counts, NOW - DAY)),
    );
  });
});
