/**
 * Labelled (history, item, label) pairs: training examples for a scoring model (from a training period)
 * and the held-out pairs every model's AUC and log loss are measured on (from the test cases).
 * Positives are the next items actually touched; negatives are sampled, seeded, a fixed number per
 * positive, never from the history or the positive's own targets.
 */
import { buildEvaluationCases, type CaseOptions, type EvaluationCase } from '../cases';
import type { OfflineFeatures } from '../features/offline-features';
import type { Interaction } from '../interactions';
import type { Label } from '../metrics/classification';
import { randomIndex, seededUniform } from '../random';
import type { CandidateGenerator } from './candidates';
import { NegativeSampler } from './negative-sampler';

/** Structurally the model library's `LabelledExample`. */
export interface LabelledPair {
  readonly sequence: readonly string[];
  readonly itemId: string;
  readonly features: Readonly<Record<string, number>>;
  readonly label: Label;
  readonly weight?: number;
  readonly occurredAtMs?: number;
}

export interface NegativeMix {
  /** Negatives per positive. @default 4 */
  negativesPerPositive?: number;
  /** Share of negatives taken from the candidate generator's list (what serving ranks). @default 0.5 */
  candidateShare?: number;
  /**
   * Candidate negatives come from the first `hardPool` candidates (the generator's strongest), where the
   * model has to be precise. @default every candidate
   */
  hardPool?: number;
  /**
   * Whether candidate negatives may be items of the history (as at serving, where re-showing a seen item
   * is allowed and often wrong). Held-out pairs use false: negatives the user never touched. @default true
   */
  historyNegatives?: boolean;
  /** Of the other negatives, the share drawn popularity-weighted (the rest uniform). @default 0.5 */
  popularShare?: number;
  /** @default 1 */
  seed?: number;
}

export type LabelledExampleOptions = Omit<CaseOptions, 'maxCases' | 'futureTargets'> &
  NegativeMix & {
    /** Positives kept at most (deterministic sample). @default no cap */
    maxPositives?: number;
  };

/**
 * Training examples for the events in [fromMs, untilMs) of `interactions`. `features` and `candidates`
 * must be fitted on interactions before `fromMs` only, so no example's features count its own outcome.
 * Positives are limited to items the features know (override with `targetsIn`).
 */
export function labelledExamplesFrom(
  interactions: readonly Interaction[],
  context: { features: OfflineFeatures; candidates?: CandidateGenerator },
  options: LabelledExampleOptions,
): LabelledPair[] {
  const { popularity } = context.features;
  const cases = buildEvaluationCases(interactions, {
    ...options,
    maxCases: options.maxPositives,
    // An item the feature period never saw cannot be recommended then (as a test target outside the
    // catalogue is a miss for every model); as a positive it would only teach "unknown means relevant".
    targetsIn: options.targetsIn ?? { has: (itemId) => popularity.countOf(itemId) > 0 },
  });
  const groups = negativeGroups(cases, { ...context, mix: options });
  return groups.flatMap((group) => {
    const records = context.features.featuresFor(group.history, group.items);
    return group.items.map((itemId, position) => ({
      sequence: group.history,
      itemId,
      features: records[position] ?? {},
      label: group.labels[position] ?? 0,
      occurredAtMs: group.timeMs,
    }));
  });
}

/** One case with its positive first and its sampled negatives after it. */
export interface PairGroup {
  readonly userKey: string;
  readonly history: readonly string[];
  readonly timeMs: number;
  readonly items: readonly string[];
  readonly labels: readonly Label[];
}

/** Held-out pairs of the test cases: the same for every model evaluated on them. */
export function heldOutPairs(
  cases: readonly EvaluationCase[],
  context: { features: OfflineFeatures; candidates?: CandidateGenerator },
  mix: NegativeMix = {},
): PairGroup[] {
  return negativeGroups(cases, { ...context, mix });
}

function negativeGroups(
  cases: readonly EvaluationCase[],
  context: { features: OfflineFeatures; candidates?: CandidateGenerator; mix: NegativeMix },
): PairGroup[] {
  const { mix } = context;
  const sampler = new NegativeSampler(context.features.popularity);
  const uniform = seededUniform(mix.seed ?? 1);
  const perPositive = mix.negativesPerPositive ?? 4;
  const fromCandidates =
    context.candidates === undefined ? 0 : Math.round(perPositive * (mix.candidateShare ?? 0.5));
  return cases.map((evaluationCase) => {
    const hard = hardNegatives(evaluationCase, { ...context, uniform, count: fromCandidates });
    const exclude = new Set([...evaluationCase.history, ...evaluationCase.targets, ...hard]);
    const easy = sampler.sample(perPositive - hard.length, {
      exclude,
      uniform,
      popularShare: mix.popularShare ?? 0.5,
    });
    const negatives = [...hard, ...easy];
    return {
      userKey: evaluationCase.userKey,
      history: evaluationCase.history,
      timeMs: evaluationCase.timeMs,
      items: [evaluationCase.target, ...negatives],
      labels: [1, ...negatives.map((): Label => 0)],
    };
  });
}

function hardNegatives(
  evaluationCase: EvaluationCase,
  context: {
    candidates?: CandidateGenerator;
    mix: NegativeMix;
    uniform: () => number;
    count: number;
  },
): string[] {
  if (context.candidates === undefined || context.count === 0) return [];
  const { mix } = context;
  // As at serving, the item just touched is never a candidate.
  const exclude = new Set([...evaluationCase.targets, ...evaluationCase.history.slice(-1)]);
  if (mix.historyNegatives === false)
    for (const itemId of evaluationCase.history) exclude.add(itemId);
  const pool = context.candidates
    .candidatesFor(evaluationCase.history, exclude)
    .slice(0, mix.hardPool ?? Number.POSITIVE_INFINITY);
  return pickSome(pool, { count: context.count, uniform: context.uniform });
}

/** Up to `count` distinct entries drawn uniformly (partial Fisher-Yates on a copy). */
function pickSome(
  items: readonly string[],
  draw: { count: number; uniform: () => number },
): string[] {
  const pool = [...items];
  const count = Math.min(draw.count, pool.length);
  for (let position = 0; position < count; position += 1) {
    const swap = position + randomIndex(draw.uniform, pool.length - position);
    [pool[position], pool[swap]] = [pool[swap] as string, pool[position] as string];
  }
  return pool.slice(0, count);
}
