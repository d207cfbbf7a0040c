/**
 * Ranking glue: builds each candidate's named features with `featureVectorOf` (the same function that
 * builds training examples), asks the `Ranker` for scores within a deadline, and says why when it could
 * not, so the caller can fall back to another order and report the response as degraded.
 */
import type { DegradedReason } from '@recsys/contracts';
import {
  decodeItemFeatures,
  prepareRequestFeatures,
  type ContextFeatures,
  type StoredHash,
  type UserFeatures,
} from '@recsys/features';
import type { Ranker, RankingCandidate } from './ranker';

export interface FeatureFacts {
  readonly user: UserFeatures;
  /** The user's raw category affinity hash (empty for a cold-start or opted-out user). */
  readonly userCategories: StoredHash;
  readonly context: ContextFeatures;
  readonly items: ReadonlyMap<string, StoredHash>;
  readonly nowMs: number;
}

export function rankingCandidatesOf(
  itemIds: readonly string[],
  facts: FeatureFacts,
): RankingCandidate[] {
  const request = prepareRequestFeatures(facts);
  return itemIds.map((itemId) => ({
    itemId,
    features: request.vectorFor(
      decodeItemFeatures(itemId, facts.items.get(itemId) ?? {}, facts.nowMs),
    ),
  }));
}

/** How a ranker can fail; each is one of the contracts' degraded reasons. */
export const rankerFailures = [
  'ranker_error',
  'ranker_timeout',
  'ranker_invalid_output',
] as const satisfies readonly DegradedReason[];
export type RankerFailure = (typeof rankerFailures)[number];

export type RankerOutcome =
  | { readonly ok: true; readonly scores: readonly number[] }
  | { readonly ok: false; readonly reason: RankerFailure };

export interface ScoreRequest {
  readonly sequence: readonly string[];
  readonly candidates: readonly RankingCandidate[];
  /** Time left for the ranker; ≤ 0 means the deadline has already passed and it is not called. */
  readonly timeoutMs: number;
}

/** The ranker's scores, or why there are none (it threw, answered too late, or answered nonsense). */
export async function scoreWithin(ranker: Ranker, request: ScoreRequest): Promise<RankerOutcome> {
  if (request.candidates.length === 0) return { ok: true, scores: [] };
  if (request.timeoutMs <= 0) return { ok: false, reason: 'ranker_timeout' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<RankerOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: 'ranker_timeout' }), request.timeoutMs);
  });
  const scored = Promise.resolve()
    .then(() => ranker.score({ sequence: request.sequence, candidates: request.candidates }))
    .then(
      (scores) => validScores(scores, request.candidates.length),
      (): RankerOutcome => ({ ok: false, reason: 'ranker_error' }),
    );
  try {
    return await Promise.race([scored, late]);
  } finally {
    clearTimeout(timer);
  }
}

function validScores(scores: unknown, expected: number): RankerOutcome {
  const isList = scores instanceof Float32Array || Array.isArray(scores);
  if (!isList || scores.length !== expected) return { ok: false, reason: 'ranker_invalid_output' };
  const values = Array.from(scores as ArrayLike<unknown>);
  return values.every((value) => typeof value === 'number' && Number.isFinite(value))
    ? { ok: true, scores: values as number[] }
    : { ok: false, reason: 'ranker_invalid_output' };
}

export interface Scored<T> {
  readonly entry: T;
  readonly score: number;
}

/** Entries with their scores, best first; ties keep the entries' given order (a stable sort). */
export function orderByScore<T>(
  entries: readonly T[],
  scores: readonly number[],
): Array<Scored<T>> {
  return entries
    .map((entry, index) => ({ entry, score: scores[index] ?? Number.NEGATIVE_INFINITY }))
    .sort((a, b) => b.score - a.score || 0);
}
