/**
 * Pearson's χ² goodness-of-fit test, used for the sample-ratio-mismatch check (are users split across
 * arms as the shares say?). The χ² tail is the regularised upper incomplete gamma Q(k/2, x/2), computed
 * by its series or continued fraction (Numerical Recipes §6.2), with a Lanczos log-gamma.
 */
const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905,
  -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];
const EPSILON = 1e-15;
const MAX_ITERATIONS = 500;

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = 0.9999999999998099;
  LANCZOS.forEach((coefficient, index) => {
    sum += coefficient / (shifted + index + 1);
  });
  const t = shifted + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Q(a, x) = Γ(a, x)/Γ(a), the regularised upper incomplete gamma function. */
export function upperRegularisedGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) return 1 - lowerSeries(a, x);
  return upperContinuedFraction(a, x);
}

function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS && Math.abs(term) > Math.abs(sum) * EPSILON; n += 1) {
    term *= x / (a + n);
    sum += term;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Modified Lentz evaluation of the continued fraction for Γ(a, x). */
function upperContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i += 1) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    d = Math.abs(d) < tiny ? tiny : d;
    c = b + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** P(χ²ₖ ≥ statistic). */
export function chiSquareSurvival(statistic: number, degreesOfFreedom: number): number {
  return upperRegularisedGamma(degreesOfFreedom / 2, statistic / 2);
}

/**
 * Goodness of fit of observed counts to expected shares (shares need not be normalised). Categories
 * with share 0 are left out, unless they hold observations, which makes the fit impossible (p = 0).
 */
export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  shares: readonly number[],
): { statistic: number; degreesOfFreedom: number; pValue: number } {
  const total = observed.reduce((sum, count) => sum + count, 0);
  const shareSum = shares.reduce((sum, share) => sum + share, 0);
  let statistic = 0;
  let categories = 0;
  for (const [index, count] of observed.entries()) {
    const share = shares[index] ?? 0;
    if (share <= 0) {
      if (count > 0) return { statistic: Number.POSITIVE_INFINITY, degreesOfFreedom: 0, pValue: 0 };
      continue;
    }
    const expected = (total * share) / shareSum;
    statistic += expected > 0 ? (count - expected) ** 2 / expected : 0;
    categories += 1;
  }
  const degreesOfFreedom = Math.max(0, categories - 1);
  const pValue =
    total === 0 || degreesOfFreedom === 0 ? 1 : chiSquareSurvival(statistic, degreesOfFreedom);
  return { statistic, degreesOfFreedom, pValue };
}
