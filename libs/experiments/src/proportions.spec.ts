import { twoSidedZ } from './normal';
import { compareProportions, pooledZTest, wilsonInterval } from './proportions';

const Z95 = twoSidedZ(0.05);

describe('wilsonInterval', () => {
  // Newcombe RG (1998), "Two-sided confidence intervals for the single proportion", Stat Med 17:857,
  // Table II, method 3 (score interval without continuity correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%p/%p → [%p, %p] as published by Newcombe (1998)', (...[successes, trials, lower, upper]) => {
    const estimate = wilsonInterval({ successes, trials }, Z95);
    expect(estimate.rate).toBeCloseTo(successes / trials, 12);
    expect(estimate.lower).toBeCloseTo(lower, 4);
    expect(estimate.upper).toBeCloseTo(upper, 4);
  });

  it('stays inside [0, 1] at the extremes and knows nothing without trials', () => {
    const all = wilsonInterval({ successes: 29, trials: 29 }, Z95);
    expect(all.upper).toBe(1);
    expect(all.lower).toBeCloseTo(0.8830302015002593, 12);
    expect(wilsonInterval({ successes: 0, trials: 0 }, Z95)).toEqual({
      rate: 0,
      lower: 0,
      upper: 1,
    });
  });
});

describe('compareProportions', () => {
  // Newcombe RG (1998), "Interval estimation for the difference between independent proportions",
  // Stat Med 17:873, Table II, method 1 (simple asymptotic / Wald): 56/70 − 48/80 and 9/10 − 3/10.
  it('gives the published Wald intervals for the difference', () => {
    const first = compareProportions(
      { successes: 48, trials: 80 },
      { successes: 56, trials: 70 },
      Z95,
    );
    expect(first.absolute.estimate).toBeCloseTo(0.2, 12);
    expect(first.absolute.lower).toBeCloseTo(0.0575, 4);
    expect(first.absolute.upper).toBeCloseTo(0.3425, 4);
    const second = compareProportions(
      { successes: 3, trials: 10 },
      { successes: 9, trials: 10 },
      Z95,
    );
    expect(second.absolute.lower).toBeCloseTo(0.2605, 4);
    expect(second.absolute.upper).toBeCloseTo(0.9395, 4);
  });

  it('gives the delta-method interval of the relative difference (hand-computed)', () => {
    // r = 0.8/0.6 − 1 = 1/3; Var ≈ Var(p₂)/p₁² + p₂²Var(p₁)/p₁⁴ = 0.0063492 + 0.0148148;
    // se = 0.145478; r ± 1.95996·se.
    const comparison = compareProportions(
      { successes: 48, trials: 80 },
      { successes: 56, trials: 70 },
      Z95,
    );
    expect(comparison.relative!.estimate).toBeCloseTo(1 / 3, 12);
    expect(comparison.relative!.lower).toBeCloseTo(0.04820052957009363, 10);
    expect(comparison.relative!.upper).toBeCloseTo(0.6184661370965734, 10);
  });

  it('has no relative difference when the baseline rate is 0', () => {
    const comparison = compareProportions(
      { successes: 0, trials: 50 },
      { successes: 3, trials: 50 },
      Z95,
    );
    expect(comparison.relative).toBeUndefined();
    expect(comparison.absolute.estimate).toBeCloseTo(0.06, 12);
  });
});

describe('pooledZTest', () => {
  it('matches the textbook two-proportion z-test (z² = Pearson χ² of R prop.test without correction)', () => {
    // 200/1000 vs 250/1000: pooled p = 0.225, se = √(0.225·0.775·0.002) = 0.018674,
    // z = 0.05/0.018674 = 2.6774; R: prop.test(c(250, 200), c(1000, 1000), correct = FALSE) →
    // X-squared = 7.1685, p-value = 0.00742.
    const { zScore, pValue } = pooledZTest(
      { successes: 200, trials: 1000 },
      { successes: 250, trials: 1000 },
    );
    expect(zScore).toBeCloseTo(2.677397763008329, 10);
    expect(zScore ** 2).toBeCloseTo(7.1685, 4);
    expect(pValue).toBeCloseTo(0.007419649261025693, 12);
  });

  it('is symmetric in sign and answers p = 1 when undefined', () => {
    const down = pooledZTest({ successes: 250, trials: 1000 }, { successes: 200, trials: 1000 });
    expect(down.zScore).toBeCloseTo(-2.677397763008329, 10);
    expect(pooledZTest({ successes: 0, trials: 10 }, { successes: 0, trials: 10 })).toEqual({
      zScore: 0,
      pValue: 1,
    });
    expect(pooledZTest({ successes: 0, trials: 0 }, { successes: 1, trials: 10 }).pValue).toBe(1);
  });
});
