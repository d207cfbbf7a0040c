import { chiSquareGoodnessOfFit, chiSquareSurvival, logGamma } from './chi-square';
import { normalCdf, normalQuantile, twoSidedZ } from './normal';

describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [1.96, 0.9750021048517795],
    [-3, 0.0013498980316300957],
    [-5, 2.866515718791946e-7],
  ])('Φ(%p) = %p', (x, expected) => {
    expect(normalCdf(x)).toBeCloseTo(expected, 14);
  });

  it('keeps relative precision far in the lower tail', () => {
    const expected = 6.220960574271819e-16; // Φ(−8), from erfc
    expect(Math.abs(normalCdf(-8) - expected) / expected).toBeLessThan(1e-7);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
  });

  it('is symmetric: Φ(−x) = 1 − Φ(x)', () => {
    for (const x of [0.1, 0.7, 1.3, 2.5, 4]) {
      expect(normalCdf(-x)).toBeCloseTo(1 - normalCdf(x), 15);
    }
  });
});

describe('normalQuantile', () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.95, 1.6448536269514722],
    [0.5, 0],
    [0.001, -3.090232306167813],
  ])('Φ⁻¹(%p) = %p', (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 12);
  });

  it('inverts normalCdf across the range, tails included', () => {
    for (const p of [1e-12, 1e-6, 0.01, 0.02425, 0.3, 0.7, 0.97575, 0.999999]) {
      expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 9);
    }
  });

  it('answers the edges and rejects values outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(twoSidedZ(0.05)).toBeCloseTo(1.959963984540054, 12);
  });
});

describe('chi-square', () => {
  it('has an accurate log-gamma', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5723649429247004, 12);
    expect(logGamma(10)).toBeCloseTo(12.801827480081467, 11);
    expect(logGamma(100.5)).toBeCloseTo(361.4355404677776, 9);
  });

  it.each([
    [3.841458820694124, 1, 0.05],
    [13.815510557964274, 2, 0.001],
    [18.307038053275146, 10, 0.05],
    [0, 3, 1],
  ])('P(χ² ≥ %p | df %p) = %p (table values)', (statistic, df, expected) => {
    expect(chiSquareSurvival(statistic, df)).toBeCloseTo(expected, 10);
  });

  it('tests goodness of fit against shares and refuses observations in a zero-share category', () => {
    const fit = chiSquareGoodnessOfFit([510, 490], [0.5, 0.5]);
    expect(fit.statistic).toBeCloseTo(0.4, 12);
    expect(fit.degreesOfFreedom).toBe(1);
    expect(fit.pValue).toBeCloseTo(0.5270892568655381, 10);
    expect(chiSquareGoodnessOfFit([5, 5, 1], [0.5, 0.5, 0]).pValue).toBe(0);
    expect(chiSquareGoodnessOfFit([0, 0], [0.5, 0.5]).pValue).toBe(1);
  });
});
