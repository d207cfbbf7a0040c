/**
 * Interval estimates and tests for binomial proportions (formulas in ../README.md):
 * - Wilson score interval for one proportion;
 * - difference of two proportions: unpooled normal-approximation (Wald) interval, and the pooled
 *   two-proportion z-test with a two-sided p-value;
 * - relative difference p_b / p_a − 1 with a delta-method interval.
 */
import { normalCdf } from './normal';

export interface Interval {
  lower: number;
  upper: number;
}

export interface Proportion {
  successes: number;
  trials: number;
}

export interface RateEstimate extends Interval {
  /** successes / trials; 0 when there are no trials. */
  rate: number;
}

/** Wilson score interval at `z` (1.96 ↔ 95 %). With no trials nothing is known: [0, 1]. */
export function wilsonInterval(proportion: Proportion, z: number): RateEstimate {
  const { successes, trials } = proportion;
  if (trials <= 0) return { rate: 0, lower: 0, upper: 1 };
  const rate = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (rate + z2 / (2 * trials)) / denominator;
  const halfWidth =
    (z * Math.sqrt((rate * (1 - rate)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { rate, lower: Math.max(0, centre - halfWidth), upper: Math.min(1, centre + halfWidth) };
}

export interface ProportionComparison {
  /** Rate of the baseline (control) and of the variant. */
  baselineRate: number;
  variantRate: number;
  /** variant − baseline, with an unpooled normal-approximation interval. */
  absolute: Interval & { estimate: number };
  /** variant / baseline − 1 with a delta-method interval; undefined when the baseline rate is 0. */
  relative: (Interval & { estimate: number }) | undefined;
  /** Pooled two-proportion z statistic (positive when the variant is higher); 0 when undefined. */
  zScore: number;
  /** Two-sided p-value of the z-test; 1 when the test is undefined (no trials, or all-or-nothing). */
  pValue: number;
}

/** Compares `variant` with `baseline` at interval half-width multiplier `z`. */
export function compareProportions(
  baseline: Proportion,
  variant: Proportion,
  z: number,
): ProportionComparison {
  const p1 = rateOf(baseline);
  const p2 = rateOf(variant);
  const variance1 = binomialVariance(p1, baseline.trials);
  const variance2 = binomialVariance(p2, variant.trials);
  const difference = p2 - p1;
  const standardError = Math.sqrt(variance1 + variance2);
  const { zScore, pValue } = pooledZTest(baseline, variant);
  return {
    baselineRate: p1,
    variantRate: p2,
    absolute: {
      estimate: difference,
      lower: difference - z * standardError,
      upper: difference + z * standardError,
    },
    relative: relativeDifference({ p1, p2, variance1, variance2 }, z),
    zScore,
    pValue,
  };
}

/** Pooled z-test of H₀: p₁ = p₂ (the classic two-proportion test; z² is Pearson's χ² on the 2×2 table). */
export function pooledZTest(
  baseline: Proportion,
  variant: Proportion,
): { zScore: number; pValue: number } {
  const trials = baseline.trials + variant.trials;
  if (baseline.trials <= 0 || variant.trials <= 0) return { zScore: 0, pValue: 1 };
  const pooled = (baseline.successes + variant.successes) / trials;
  const standardError = Math.sqrt(
    pooled * (1 - pooled) * (1 / baseline.trials + 1 / variant.trials),
  );
  if (standardError === 0) return { zScore: 0, pValue: 1 };
  const zScore = (rateOf(variant) - rateOf(baseline)) / standardError;
  return { zScore, pValue: 2 * normalCdf(-Math.abs(zScore)) };
}

/**
 * r = p₂/p₁ − 1. Delta method (first-order Taylor expansion of p₂/p₁ around the estimates, samples
 * independent): Var(r) ≈ Var(p₂)/p₁² + p₂²·Var(p₁)/p₁⁴.
 */
function relativeDifference(
  input: { p1: number; p2: number; variance1: number; variance2: number },
  z: number,
): (Interval & { estimate: number }) | undefined {
  const { p1, p2, variance1, variance2 } = input;
  if (p1 <= 0) return undefined;
  const estimate = p2 / p1 - 1;
  const standardError = Math.sqrt(variance2 / (p1 * p1) + (p2 * p2 * variance1) / p1 ** 4);
  return { estimate, lower: estimate - z * standardError, upper: estimate + z * standardError };
}

function rateOf(proportion: Proportion): number {
  return proportion.trials > 0 ? proportion.successes / proportion.trials : 0;
}

/** Sampling variance of an observed rate: p(1 − p)/n (0 without trials). */
function binomialVariance(rate: number, trials: number): number {
  return trials > 0 ? (rate * (1 - rate)) / trials : 0;
}
