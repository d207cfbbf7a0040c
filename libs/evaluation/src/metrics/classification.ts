/**
 * Pointwise metrics over labelled (score, label) pairs: ROC AUC (rank based, ties get half credit) and
 * log loss (probabilities clipped away from 0 and 1), plus Platt scaling to turn any monotone score
 * into a probability so that models without calibrated outputs can still report a log loss.
 */

export type Label = 0 | 1;

/**
 * Area under the ROC curve: the probability that a random positive outscores a random negative, tied
 * pairs counting one half (Mann-Whitney U with mid-ranks). NaN when either class is absent.
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<Label>): number {
  assertSameLength(scores, labels);
  // NaN (a model that could not score) ranks below everything, so the sort stays consistent.
  const scoreOf = (index: number | undefined): number => {
    const value = Number(scores[index ?? 0]);
    return Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value;
  };
  const order = Array.from({ length: scores.length }, (_, index) => index).sort(
    (left, right) => scoreOf(left) - scoreOf(right),
  );
  let positives = 0;
  let positiveRankSum = 0;
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && scoreOf(order[end + 1]) === scoreOf(order[start])) end += 1;
    // Ranks are 1-based; every member of a tie group gets the group's mean rank.
    const tied = order.slice(start, end + 1).filter((index) => labels[index] === 1).length;
    positives += tied;
    positiveRankSum += tied * ((start + end) / 2 + 1);
    start = end + 1;
  }
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface LogLossOptions {
  /** Probabilities are clipped to [epsilon, 1 − epsilon]. @default 1e-7 */
  epsilon?: number;
}

/** Mean negative log-likelihood of the labels (natural log). NaN for no pairs. */
export function logLoss(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<Label>,
  options: LogLossOptions = {},
): number {
  assertSameLength(probabilities, labels);
  if (probabilities.length === 0) return Number.NaN;
  const epsilon = options.epsilon ?? 1e-7;
  let total = 0;
  for (let index = 0; index < probabilities.length; index += 1) {
    const raw = probabilities[index] ?? Number.NaN;
    const clipped = Math.min(1 - epsilon, Math.max(epsilon, Number.isNaN(raw) ? 0.5 : raw));
    total -= labels[index] === 1 ? Math.log(clipped) : Math.log(1 - clipped);
  }
  return total / probabilities.length;
}

/** p = sigmoid(slope × score + intercept). */
export interface PlattScaling {
  slope: number;
  intercept: number;
}

export function sigmoid(value: number): number {
  return value >= 0 ? 1 / (1 + Math.exp(-value)) : Math.exp(value) / (1 + Math.exp(value));
}

export function applyPlatt(scaling: PlattScaling, scores: ArrayLike<number>): Float64Array {
  const out = new Float64Array(scores.length);
  for (let index = 0; index < scores.length; index += 1) {
    out[index] = sigmoid(scaling.slope * (scores[index] ?? 0) + scaling.intercept);
  }
  return out;
}

/**
 * Fits Platt scaling by Newton's method on the logistic loss, with Platt's smoothed targets
 * ((n₊ + 1)/(n₊ + 2) and 1/(n₋ + 2)) so a separable fold does not drive the slope to infinity.
 */
export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<Label>): PlattScaling {
  assertSameLength(scores, labels);
  let positives = 0;
  for (let index = 0; index < labels.length; index += 1) positives += labels[index] === 1 ? 1 : 0;
  const negatives = labels.length - positives;
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (negatives + 2);
  const targets = Array.from(Array.prototype.slice.call(labels) as Label[], (label) =>
    label === 1 ? high : low,
  );
  let slope = 0;
  let intercept = Math.log((positives + 1) / (negatives + 1));
  for (let iteration = 0; iteration < 50; iteration += 1) {
    const step = newtonStep({ scores, targets, scaling: { slope, intercept } });
    slope -= step.slope;
    intercept -= step.intercept;
    if (Math.abs(step.slope) + Math.abs(step.intercept) < 1e-10) break;
  }
  return { slope, intercept };
}

function newtonStep(input: {
  scores: ArrayLike<number>;
  targets: readonly number[];
  scaling: PlattScaling;
}): PlattScaling {
  const { scores, targets, scaling } = input;
  // Gradient (g) and Hessian (h) of the summed loss in (slope, intercept); a small ridge keeps h invertible.
  let gSlope = 0;
  let gIntercept = 0;
  let hSS = 1e-9;
  let hSI = 0;
  let hII = 1e-9;
  for (let index = 0; index < scores.length; index += 1) {
    const score = scores[index] ?? 0;
    const probability = sigmoid(scaling.slope * score + scaling.intercept);
    const residual = probability - (targets[index] ?? 0);
    const curvature = Math.max(probability * (1 - probability), 1e-12);
    gSlope += residual * score;
    gIntercept += residual;
    hSS += curvature * score * score;
    hSI += curvature * score;
    hII += curvature;
  }
  const determinant = hSS * hII - hSI * hSI;
  if (!(Math.abs(determinant) > 1e-300)) return { slope: 0, intercept: 0 };
  return {
    slope: (hII * gSlope - hSI * gIntercept) / determinant,
    intercept: (hSS * gIntercept - hSI * gSlope) / determinant,
  };
}

function assertSameLength(left: ArrayLike<unknown>, right: ArrayLike<unknown>): void {
  if (left.length !== right.length) {
    throw new RangeError(`scores and labels differ in length (${left.length} ≠ ${right.length})`);
  }
}
