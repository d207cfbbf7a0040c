import { meanWithInterval, normalQuantile, quantileOfSorted } from './intervals';

describe('meanWithInterval', () => {
  it('gives mean ± z·s/√n with the normal approximation', () => {
    const interval = meanWithInterval([0, 1, 0, 1]);
    const standardError = Math.sqrt(1 / 3) / 2;
    expect(interval.mean).toBe(0.5);
    expect(interval.standardError).toBeCloseTo(standardError, 12);
    expect(interval.upper - interval.mean).toBeCloseTo(1.959964 * standardError, 5);
    expect(interval.lower).toBeCloseTo(0.5 - 1.959964 * standardError, 5);
  });

  it('is degenerate for one value and NaN for none', () => {
    expect(meanWithInterval([0.3])).toMatchObject({ mean: 0.3, lower: 0.3, upper: 0.3, count: 1 });
    expect(meanWithInterval([]).mean).toBeNaN();
  });

  it('bootstraps reproducibly for a seed and agrees with the normal interval on many cases', () => {
    const values = Array.from({ length: 2000 }, (_, index) => (index % 7 === 0 ? 1 : 0));
    const first = meanWithInterval(values, { method: 'bootstrap', seed: 3 });
    const again = meanWithInterval(values, { method: 'bootstrap', seed: 3 });
    const normal = meanWithInterval(values);
    expect(first).toEqual(again);
    expect(first.lower).toBeLessThan(first.mean);
    expect(first.upper).toBeGreaterThan(first.mean);
    expect(first.lower).toBeCloseTo(normal.lower, 2);
    expect(first.upper).toBeCloseTo(normal.upper, 2);
  });
});

describe('quantiles', () => {
  it('matches published normal quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 6);
  });

  it('interpolates between order statistics', () => {
    expect(quantileOfSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileOfSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileOfSorted([1, 2, 3, 4], 1)).toBe(4);
  });
});
