/**
 * The standard normal distribution: CDF (Hart 1968 / West 2005, absolute error ≤ 1e-15, relative error
 * ≤ 1e-8 in the tails) and quantile (Acklam's rational approximation refined by one Halley step, full
 * double precision). No dependency: a statistics package for two functions is not worth its weight.
 */
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Φ(x) = P(Z ≤ x) for Z ~ N(0, 1). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const tail = upperTail(Math.abs(x));
  return x > 0 ? 1 - tail : tail;
}

/** P(Z ≥ |x|), computed directly so small tails keep their relative precision. */
function upperTail(absX: number): number {
  if (absX > 37) return 0;
  const density = Math.exp((-absX * absX) / 2);
  if (absX >= 7.07106781186547) {
    let fraction = absX + 0.65;
    fraction = absX + 4 / fraction;
    fraction = absX + 3 / fraction;
    fraction = absX + 2 / fraction;
    fraction = absX + 1 / fraction;
    return density / fraction / 2.506628274631;
  }
  const numerator = polynomial(
    absX,
    [
      3.52624965998911e-2, 0.700383064443688, 6.37396220353165, 33.912866078383, 112.079291497871,
      221.213596169931, 220.206867912376,
    ],
  );
  const denominator = polynomial(
    absX,
    [
      8.83883476483184e-2, 1.75566716318264, 16.064177579207, 86.7807322029461, 296.564248779674,
      637.333633378831, 793.826512519948, 440.413735824752,
    ],
  );
  return (density * numerator) / denominator;
}

/** Horner evaluation; coefficients from the highest power down. */
function polynomial(x: number, coefficients: readonly number[]): number {
  return coefficients.reduce((sum, coefficient) => sum * x + coefficient, 0);
}

const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
  -3.066479806614716e1, 2.506628277459239,
];
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
  -1.328068155288572e1, 1,
];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416, 1];
const P_LOW = 0.02425;

/** Φ⁻¹(p): the z with P(Z ≤ z) = p, for p in (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    return Number.NaN;
  }
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = polynomial(q, C) / polynomial(q, D);
  } else if (p <= 1 - P_LOW) {
    const q = p - 0.5;
    const r = q * q;
    x = (polynomial(r, A) * q) / polynomial(r, B);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -polynomial(q, C) / polynomial(q, D);
  }
  // One Halley step on Φ(x) − p brings Acklam's 1e-9 relative error to machine precision.
  const error = normalCdf(x) - p;
  const step = error * SQRT_2PI * Math.exp((x * x) / 2);
  return x - step / (1 + (x * step) / 2);
}

/** Smallest tail probability twoSidedZ resolves (z ≈ 37.05). */
const MIN_TAIL = 1e-300;

/** z such that a two-sided interval at level 1 − alpha is estimate ± z·se (1.96 for alpha 0.05). */
export function twoSidedZ(alpha: number): number {
  // From the lower tail: 1 − alpha/2 rounds to 1 (z = ∞, and 0 × ∞ = NaN in intervals) for alpha below
  // ~2e-16. Below 1e-300 (z ≈ 37) the refinement step overflows, and no test needs more anyway.
  return -normalQuantile(Math.max(alpha / 2, MIN_TAIL));
}
