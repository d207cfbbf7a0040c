/**
 * The evaluation protocol, the same for every model on the same cases:
 * - full ranking: a baseline ranks the whole catalogue itself (`recommend`); a scoring model (`Ranker`)
 *   orders the candidate generator's items, and the rest of the catalogue follows in popularity order —
 *   the list a shopper would be served. HR@K, NDCG@K and MRR@K are averaged over cases, with intervals.
 * - labelled pairs: every model scores the same held-out (positive, sampled negatives) groups; AUC is
 *   pooled over all pairs, log loss is reported raw (when the scores are probabilities) and after Platt
 *   scaling cross-fitted on two halves of the groups (so baselines with unbounded scores get one too).
 */
import type { Ranker, RankingInput } from '@recsys/recommendation';
import type { FullRanker } from '../baselines/full-ranker';
import type { PopularityModel } from '../baselines/popularity';
import type { EvaluationCase } from '../cases';
import type { OfflineFeatures } from '../features/offline-features';
import { applyPlatt, auc, fitPlatt, logLoss, type Label } from '../metrics/classification';
import { meanWithInterval, type IntervalOptions, type MeanInterval } from '../metrics/intervals';
import { metricsAtRank, multiTargetRankingMetrics, rankOf } from '../metrics/ranking';
import type { CandidateGenerator } from './candidates';
import type { PairGroup } from './labelled-pairs';

export interface RankingOptions {
  /** Cut-off of the ranking metrics. @default 10 */
  k?: number;
  /** Never recommend the history's last item (cases built with dropRepeats never target it). @default true */
  excludeLastItem?: boolean;
  intervals?: IntervalOptions;
}

export interface RankingSummary {
  cases: number;
  k: number;
  hitRate: MeanInterval;
  ndcg: MeanInterval;
  mrr: MeanInterval;
  /** The same metrics with every case's `targets` as relevant (the multi-target variant). */
  multiTarget: { hitRate: number; ndcg: number; mrr: number };
}

/** A `Ranker` that can score many requests at once (a neural model batches them into one call). */
export interface BatchRanker extends Ranker {
  scoreBatch(inputs: readonly RankingInput[]): Promise<Float32Array[]>;
}

export interface ScoringSetup {
  ranker: Ranker | BatchRanker;
  candidates: CandidateGenerator;
  features: OfflineFeatures;
  /** Order of the catalogue after the candidates. */
  fallback: PopularityModel;
}

const BATCH = 64;

export function evaluateFullRanking(
  model: FullRanker,
  cases: readonly EvaluationCase[],
  options: RankingOptions = {},
): RankingSummary {
  const k = options.k ?? 10;
  const lists = cases.map((evaluationCase) =>
    model.recommend(evaluationCase.history, k, excludedFor(evaluationCase, options)),
  );
  return summarise(cases, lists, options);
}

export async function evaluateCandidateRanking(
  setup: ScoringSetup,
  cases: readonly EvaluationCase[],
  options: RankingOptions = {},
): Promise<RankingSummary & { candidateRecall: number }> {
  const k = options.k ?? 10;
  const lists: string[][] = [];
  let recalled = 0;
  for (let start = 0; start < cases.length; start += BATCH) {
    const chunk = cases.slice(start, start + BATCH);
    const candidateLists = chunk.map((evaluationCase) =>
      setup.candidates.candidatesFor(evaluationCase.history, excludedFor(evaluationCase, options)),
    );
    const inputs = chunk.map((evaluationCase, position) =>
      requestOf(setup.features, evaluationCase.history, candidateLists[position] ?? []),
    );
    const scores = await scoreMany(setup.ranker, inputs);
    chunk.forEach((evaluationCase, position) => {
      const candidates = candidateLists[position] ?? [];
      if (candidates.includes(evaluationCase.target)) recalled += 1;
      const ordered = orderByScore(candidates, scores[position] ?? new Float32Array());
      const exclude = new Set([...ordered, ...(excludedFor(evaluationCase, options) ?? [])]);
      lists.push(
        [
          ...ordered,
          ...setup.fallback.recommend([], Math.max(0, k - ordered.length), exclude),
        ].slice(0, k),
      );
    });
  }
  return {
    ...summarise(cases, lists, options),
    candidateRecall: cases.length === 0 ? 0 : recalled / cases.length,
  };
}

export interface PairSummary {
  pairs: number;
  auc: number;
  /** Log loss of the raw scores; NaN unless the ranker emits probabilities. */
  logLoss: number;
  /**
   * Log loss after Platt scaling of the scores' empirical CDF, cross-fitted on two halves of the groups
   * (comparable across models whatever their score scale).
   */
  logLossCalibrated: number;
}

export interface PairScoring {
  ranker: Ranker | BatchRanker;
  groups: readonly PairGroup[];
  features: OfflineFeatures;
  /** The ranker's scores are probabilities (a raw log loss is then reported). @default false */
  probabilities?: boolean;
}

export async function evaluatePairs(input: PairScoring): Promise<PairSummary> {
  const scores: number[] = [];
  const labels: Label[] = [];
  const half: number[] = [];
  const { ranker, groups, features } = input;
  for (let start = 0; start < groups.length; start += BATCH) {
    const chunk = groups.slice(start, start + BATCH);
    const results = await scoreMany(
      ranker,
      chunk.map((group) => requestOf(features, group.history, group.items)),
    );
    chunk.forEach((group, position) => {
      const groupScores = results[position] ?? new Float32Array();
      group.labels.forEach((label, item) => {
        scores.push(groupScores[item] ?? Number.NaN);
        labels.push(label);
        half.push((start + position) % 2);
      });
    });
  }
  return {
    pairs: scores.length,
    auc: auc(scores, labels),
    logLoss: input.probabilities === true ? logLoss(scores, labels) : Number.NaN,
    logLossCalibrated: crossFittedLogLoss({ scores, labels, half }),
  };
}

/**
 * Log loss after Platt scaling, cross-fitted: each half of the groups is calibrated by a fit on the other
 * half. Scores enter as their empirical CDF in the fitting half (mid-ranks), so the calibration depends
 * only on how a model orders pairs — a sentinel like −1e9 for unknown items or a saturated probability
 * cannot distort the fit — and every model, probabilistic or not, is calibrated the same way.
 */
function crossFittedLogLoss(input: { scores: number[]; labels: Label[]; half: number[] }): number {
  const calibrated = new Float64Array(input.scores.length);
  for (const part of [0, 1]) {
    const fitIndices = input.scores
      .map((_, index) => index)
      .filter((index) => input.half[index] !== part);
    const applyIndices = input.scores
      .map((_, index) => index)
      .filter((index) => input.half[index] === part);
    const reference = Float64Array.from(fitIndices, (index) => input.scores[index] ?? 0).sort();
    const transform = (index: number): number => empiricalCdf(reference, input.scores[index] ?? 0);
    const scaling = fitPlatt(
      fitIndices.map(transform),
      fitIndices.map((index) => input.labels[index] ?? 0),
    );
    const applied = applyPlatt(scaling, applyIndices.map(transform));
    applyIndices.forEach((index, position) => (calibrated[index] = applied[position] ?? 0.5));
  }
  return logLoss(calibrated, input.labels);
}

/** Share of `sorted` below `value`, ties counting one half. */
function empiricalCdf(sorted: Float64Array, value: number): number {
  if (sorted.length === 0) return 0.5;
  const below = lowerBound(sorted, (entry) => entry < value);
  const notAbove = lowerBound(sorted, (entry) => entry <= value);
  return (below + notAbove) / 2 / sorted.length;
}

/** The number of leading entries for which `isBefore` holds (it must hold on a prefix). */
function lowerBound(sorted: Float64Array, isBefore: (entry: number) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (isBefore(sorted[middle] ?? 0)) low = middle + 1;
    else high = middle;
  }
  return low;
}

function requestOf(
  features: OfflineFeatures,
  history: readonly string[],
  itemIds: readonly string[],
): RankingInput {
  const records = features.featuresFor(history, itemIds);
  return {
    sequence: history,
    candidates: itemIds.map((itemId, position) => ({ itemId, features: records[position] ?? {} })),
  };
}

async function scoreMany(
  ranker: Ranker | BatchRanker,
  inputs: readonly RankingInput[],
): Promise<Float32Array[]> {
  if ('scoreBatch' in ranker) return ranker.scoreBatch(inputs);
  return Promise.all(inputs.map((input) => ranker.score(input)));
}

/** Candidates by descending score; ties keep the generator's order. */
function orderByScore(candidates: readonly string[], scores: Float32Array): string[] {
  return candidates
    .map((itemId, position) => ({
      itemId,
      position,
      score: scores[position] ?? Number.NEGATIVE_INFINITY,
    }))
    .sort((left, right) => right.score - left.score || left.position - right.position)
    .map((entry) => entry.itemId);
}

function excludedFor(
  evaluationCase: EvaluationCase,
  options: RankingOptions,
): ReadonlySet<string> | undefined {
  const last = evaluationCase.history.at(-1);
  return (options.excludeLastItem ?? true) && last !== undefined ? new Set([last]) : undefined;
}

function summarise(
  cases: readonly EvaluationCase[],
  lists: readonly string[][],
  options: RankingOptions,
): RankingSummary {
  const k = options.k ?? 10;
  const single = cases.map((evaluationCase, index) =>
    metricsAtRank(rankOf((lists[index] ?? []).slice(0, k), evaluationCase.target), k),
  );
  const multi = cases.map((evaluationCase, index) =>
    multiTargetRankingMetrics(lists[index] ?? [], evaluationCase.targets, k),
  );
  const mean = (values: number[]): number =>
    values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
  return {
    cases: cases.length,
    k,
    hitRate: meanWithInterval(
      single.map((entry) => entry.hitRate),
      options.intervals,
    ),
    ndcg: meanWithInterval(
      single.map((entry) => entry.ndcg),
      options.intervals,
    ),
    mrr: meanWithInterval(
      single.map((entry) => entry.reciprocalRank),
      options.intervals,
    ),
    multiTarget: {
      hitRate: mean(multi.map((entry) => entry.hitRate)),
      ndcg: mean(multi.map((entry) => entry.ndcg)),
      mrr: mean(multi.map((entry) => entry.reciprocalRank)),
    },
  };
}
