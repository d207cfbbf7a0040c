/**
 * How much a coupon raises a user's purchase probability, as a function of their propensity (predicted
 * purchase probability without a coupon).
 *
 * Prior (before data): uplift peaks for middle propensities and is ~0 at both ends — users who would
 * almost never buy are not moved by a coupon ("lost causes"), and users who buy anyway only take the
 * discount ("sure things"); the persuadables sit between. Shape: a beta-kernel bump
 *   prior(p) = peak · (p/c)^(cκ) · ((1−p)/(1−c))^((1−c)κ),
 * equal to `peak` at p = c and 0 at p = 0 and p = 1 (c = 0.5, κ = 2 gives peak · 4p(1−p)).
 *
 * With logged outcomes (treated vs control conversion per propensity bucket), each bucket's observed
 * uplift is shrunk to the prior's bucket mean with weight w = n/(n + k), n = nₜ·n꜀/(nₜ + n꜀) (the
 * sample size that gives the difference's variance) and k = `priorStrength` (normal-normal shrinkage
 * with k = σ²/τ²). Within a bucket the prior's shape is kept and shifted by w·(observed − prior mean).
 */

export interface UpliftPriorOptions {
  /** Largest uplift, in absolute purchase probability. @default 0.05 */
  peakUplift?: number;
  /** Propensity where the uplift peaks, in (0, 1). @default 0.5 */
  peakPropensity?: number;
  /** κ: larger is narrower around the peak. @default 2 */
  concentration?: number;
}

export interface GroupOutcome {
  users: number;
  converted: number;
}

/** Logged offer outcomes of one propensity bucket: users offered a coupon vs held out. */
export interface BucketOutcome {
  bucket: number;
  treated: GroupOutcome;
  control: GroupOutcome;
}

export interface UpliftBucketEstimate {
  bucket: number;
  /** Propensity range [lower, upper) of the bucket (the last one includes 1). */
  lower: number;
  upper: number;
  /** treated rate − control rate; undefined while either group is empty. */
  observedUplift: number | undefined;
  /** Mean of the prior over the bucket. */
  priorUplift: number;
  /** Weight of the observation, n/(n + k). */
  weight: number;
  /** The estimate: weight · observed + (1 − weight) · prior. */
  uplift: number;
}

export interface UpliftModel {
  /** Upper bounds of every bucket but the last (strictly increasing, inside (0, 1)). */
  readonly edges: readonly number[];
  readonly buckets: readonly UpliftBucketEstimate[];
  /** The bucket index of a propensity. */
  bucketOf(propensity: number): number;
  /** Expected increase of the purchase probability from the offer, in [−p, 1 − p]. */
  upliftAt(propensity: number): number;
}

/** Deciles of propensity: buckets [0, 0.1), [0.1, 0.2), …, [0.9, 1]. */
export const DECILE_EDGES: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/** @default 200 (a bucket with 200 effective users per group weighs as much as the prior) */
export const DEFAULT_PRIOR_STRENGTH = 200;
const AVERAGING_POINTS = 33;

/** The prior uplift curve (see the module comment). */
export function upliftPrior(options: UpliftPriorOptions = {}): (propensity: number) => number {
  const peak = options.peakUplift ?? 0.05;
  const centre = options.peakPropensity ?? 0.5;
  const concentration = options.concentration ?? 2;
  if (!(centre > 0 && centre < 1) || !(concentration > 0) || !(peak >= 0 && peak <= 1)) {
    throw new RangeError(
      'upliftPrior: need 0 < peakPropensity < 1, concentration > 0, 0 ≤ peak ≤ 1',
    );
  }
  const a = centre * concentration;
  const b = (1 - centre) * concentration;
  return (p) => {
    if (!(p > 0 && p < 1)) return 0;
    return peak * (p / centre) ** a * ((1 - p) / (1 - centre)) ** b;
  };
}

/** Index of the bucket holding `propensity` (values outside [0, 1] are clamped). */
export function propensityBucket(
  propensity: number,
  edges: readonly number[] = DECILE_EDGES,
): number {
  let index = 0;
  while (index < edges.length && propensity >= (edges[index] ?? 1)) index += 1;
  return index;
}

/**
 * An uplift model from logged outcomes, shrunk to the prior; with no outcomes it is the prior itself.
 * Outcomes of unknown buckets are ignored.
 */
export function estimateUpliftModel(
  input: {
    outcomes?: readonly BucketOutcome[];
    edges?: readonly number[];
    prior?: UpliftPriorOptions;
    /** @default 200 */
    priorStrength?: number;
  } = {},
): UpliftModel {
  const edges = checkEdges(input.edges ?? DECILE_EDGES);
  const prior = upliftPrior(input.prior);
  const strength = input.priorStrength ?? DEFAULT_PRIOR_STRENGTH;
  if (!(strength >= 0)) throw new RangeError('priorStrength must be ≥ 0');
  const byBucket = new Map((input.outcomes ?? []).map((outcome) => [outcome.bucket, outcome]));
  const buckets = Array.from({ length: edges.length + 1 }, (_, bucket) =>
    estimateBucket({ bucket, edges, outcome: byBucket.get(bucket) }, { prior, strength }),
  );
  const bucketOf = (propensity: number) => propensityBucket(propensity, edges);
  return {
    edges,
    buckets,
    bucketOf,
    upliftAt: (propensity) => {
      const p = Math.min(1, Math.max(0, propensity));
      const estimate = buckets[bucketOf(p)];
      const shift = estimate === undefined ? 0 : estimate.uplift - estimate.priorUplift;
      return Math.min(1 - p, Math.max(-p, prior(p) + shift));
    },
  };
}

function estimateBucket(
  input: { bucket: number; edges: readonly number[]; outcome: BucketOutcome | undefined },
  model: { prior: (p: number) => number; strength: number },
): UpliftBucketEstimate {
  const { bucket, edges, outcome } = input;
  const lower = bucket === 0 ? 0 : (edges[bucket - 1] ?? 0);
  const upper = edges[bucket] ?? 1;
  const priorUplift = averageOver(model.prior, lower, upper);
  const observed = outcome === undefined ? undefined : observedUpliftOf(outcome);
  if (observed === undefined) {
    return {
      bucket,
      lower,
      upper,
      observedUplift: undefined,
      priorUplift,
      weight: 0,
      uplift: priorUplift,
    };
  }
  const { observedUplift, effective } = observed;
  const weight = effective / (effective + model.strength);
  const uplift = weight * observedUplift + (1 - weight) * priorUplift;
  return { bucket, lower, upper, observedUplift, priorUplift, weight, uplift };
}

/** Treated − control rate and n = nₜ·n꜀/(nₜ + n꜀); undefined while a group is empty. */
function observedUpliftOf(
  outcome: BucketOutcome,
): { observedUplift: number; effective: number } | undefined {
  const treated = outcome.treated.users;
  const control = outcome.control.users;
  if (treated <= 0 || control <= 0) return undefined;
  return {
    observedUplift: outcome.treated.converted / treated - outcome.control.converted / control,
    effective: (treated * control) / (treated + control),
  };
}

/** Mean of f over [lower, upper] by the composite Simpson rule. */
function averageOver(f: (p: number) => number, lower: number, upper: number): number {
  const intervals = AVERAGING_POINTS - 1;
  const step = (upper - lower) / intervals;
  let sum = f(lower) + f(upper);
  for (let index = 1; index < intervals; index += 1) {
    sum += (index % 2 === 1 ? 4 : 2) * f(lower + index * step);
  }
  return (sum * step) / 3 / (upper - lower);
}

function checkEdges(edges: readonly number[]): readonly number[] {
  const valid = edges.every(
    (edge, index) => edge > 0 && edge < 1 && (index === 0 || edge > (edges[index - 1] ?? 0)),
  );
  if (!valid) throw new RangeError('propensity edges must increase strictly inside (0, 1)');
  return [...edges];
}
