/**
 * Confidence intervals for a mean over evaluation cases: the normal approximation (mean ± z·s/√n) or a
 * percentile bootstrap (seeded, so reruns agree). Case metrics are bounded and n is in the thousands,
 * where both agree; the bootstrap is the safer one for small n or very skewed metrics.
 */
import { randomIndex, seededUniform } from '../random';

export interface MeanInterval {
  mean: number;
  lower: number;
  upper: number;
  /** Standard error of the mean (sample standard deviation / √n). */
  standardError: number;
  count: number;
  confidence: number;
  method: 'normal' | 'bootstrap';
}

export interface IntervalOptions {
  /** @default "normal" */
  method?: 'normal' | 'bootstrap';
  /** Two-sided coverage. @default 0.95 */
  confidence?: number;
  /** Bootstrap resamples. @default 1000 */
  resamples?: number;
  /** Bootstrap seed. @default 1 */
  seed?: number;
}

export function meanWithInterval(
  values: ArrayLike<number>,
  options: IntervalOptions = {},
): MeanInterval {
  const confidence = options.confidence ?? 0.95;
  const method = options.method ?? 'normal';
  const count = values.length;
  const mean = meanOf(values);
  const standardError = count > 1 ? Math.sqrt(sampleVariance(values, mean) / count) : Number.NaN;
  if (count === 0) {
    return { mean, lower: mean, upper: mean, standardError, count, confidence, method };
  }
  if (method === 'bootstrap') {
    const [lower, upper] = bootstrapBounds(values, { ...options, confidence });
    return { mean, lower, upper, standardError, count, confidence, method };
  }
  const half = count > 1 ? normalQuantile(0.5 + confidence / 2) * standardError : 0;
  return { mean, lower: mean - half, upper: mean + half, standardError, count, confidence, method };
}

export function meanOf(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (let index = 0; index < values.length; index += 1) sum += values[index] ?? 0;
  return sum / values.length;
}

function sampleVariance(values: ArrayLike<number>, mean: number): number {
  let sum = 0;
  for (let index = 0; index < values.length; index += 1) sum += ((values[index] ?? 0) - mean) ** 2;
  return sum / (values.length - 1);
}

function bootstrapBounds(
  values: ArrayLike<number>,
  options: IntervalOptions & { confidence: number },
): [number, number] {
  const resamples = options.resamples ?? 1000;
  const uniform = seededUniform(options.seed ?? 1);
  const means = new Float64Array(resamples);
  for (let sample = 0; sample < resamples; sample += 1) {
    let sum = 0;
    for (let draw = 0; draw < values.length; draw += 1) {
      sum += values[randomIndex(uniform, values.length)] ?? 0;
    }
    means[sample] = sum / values.length;
  }
  means.sort();
  const tail = (1 - options.confidence) / 2;
  return [quantileOfSorted(means, tail), quantileOfSorted(means, 1 - tail)];
}

/** Linear interpolation between order statistics (type 7, as R and NumPy default). */
export function quantileOfSorted(sorted: ArrayLike<number>, probability: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = Math.min(1, Math.max(0, probability)) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  const fraction = position - below;
  return (sorted[below] ?? 0) * (1 - fraction) + (sorted[above] ?? 0) * fraction;
}

// Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9).
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

const poly = (coefficients: readonly number[], x: number): number =>
  coefficients.reduce((sum, coefficient) => sum * x + coefficient, 0);

/** The standard normal quantile Φ⁻¹(p) for p in (0, 1). */
export function normalQuantile(probability: number): number {
  if (!(probability > 0 && probability < 1)) throw new RangeError('probability must be in (0, 1)');
  const lowTail = 0.02425;
  if (probability < lowTail) {
    const q = Math.sqrt(-2 * Math.log(probability));
    return poly(C, q) / (poly(D, q) * q + 1);
  }
  if (probability > 1 - lowTail) return -normalQuantile(1 - probability);
  const q = probability - 0.5;
  const r = q * q;
  return (poly(A, r) * q) / (poly(B, r) * r + 1);
}
