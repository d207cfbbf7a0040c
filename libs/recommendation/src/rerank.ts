/**
 * `rerank`: orders a given list (e.g. search results) with the ranker, in one read stage (the user and
 * the items concurrently). No filters: every distinct requested item comes back. Items the store does
 * not know go last in their given order. Without a ranker, or when it fails, the known items keep their
 * given order, every score is 0 and the result is degraded and not personalised: nothing ranked them.
 */
import { decodeUserFeatures, type StoredHash, type WeightedName } from '@recsys/features';
import { categoryPathOf, isInCategory } from './category-sources';
import { interestExplanation } from './explanations';
import type { Ranker } from './ranker';
import { orderByScore, rankingCandidatesOf, scoreWithin, type RankerOutcome } from './ranking';
import { degradation, rankerSequenceOf, stopwatch } from './recommend';
import { systemClock, type RecommendationReader } from './reader';
import { defaultRecommendationSettings } from './settings';
import {
  FALLBACK_RANKED_BY,
  MAX_RERANK_ITEMS,
  type RecommendedItem,
  type RerankDeps,
  type RerankRequest,
  type RerankResult,
} from './types';
import {
  emptyUserState,
  hasHistory,
  readableUserKey,
  requestContextFeatures,
  topCategoriesOf,
  type UserState,
} from './user-state';

export async function rerank(request: RerankRequest, deps: RerankDeps): Promise<RerankResult> {
  if (request.itemIds.length > MAX_RERANK_ITEMS)
    throw new RangeError(
      `at most ${MAX_RERANK_ITEMS} items can be re-ranked, got ${request.itemIds.length}`,
    );
  const clock = deps.clock ?? systemClock;
  const settings = deps.settings ?? defaultRecommendationSettings;
  const watch = stopwatch(clock);
  const nowMs = watch.startedMs;
  // Without a ranker nothing of the user would be used: nothing of theirs is read.
  const userKey = deps.ranker === undefined ? undefined : readableUserKey(request);
  const read = await readStage(request.itemIds, userKey, deps.reader);
  const readMs = watch.lap();
  const outcome = await scoreStage(deps.ranker, {
    read,
    nowMs,
    client: request.context?.client,
    timeoutMs: (request.deadlineMs ?? nowMs + settings.rankerTimeoutMs) - clock.now(),
  });
  const rankMs = watch.lap();
  return {
    items: rankedItems(read, outcome, settings.topCategories),
    personalized: userKey !== undefined && outcome?.ok === true && hasHistory(read.user.stored),
    ...rerankDegradation(outcome, deps.ranker),
    unknownItems: read.unknown.length,
    timings: { readMs, rankMs, totalMs: watch.total() },
  };
}

/** The known items best first (in the given order, scored 0, unless the ranker scored them), then the unknown. */
function rankedItems(
  read: Awaited<ReturnType<typeof readStage>>,
  outcome: RankerOutcome | undefined,
  topCategories: number,
): RecommendedItem[] {
  const ordered = outcome?.ok
    ? orderByScore(read.known, outcome.scores)
    : read.known.map((entry) => ({ entry, score: 0 }));
  const interests = topCategoriesOf(read.user.stored, topCategories);
  return [
    ...ordered.map(({ entry, score }) => rerankedItem(entry, score, { ...read, interests })),
    ...read.unknown.map((itemId) => ({ itemId, score: 0, source: 'unknown_item' })),
  ].map((item, rank) => ({ ...item, rank }));
}

/** The user (if any) and the items, concurrently; the distinct items split into known and unknown. */
async function readStage(
  itemIds: readonly string[],
  userKey: string | undefined,
  reader: RecommendationReader,
) {
  const distinct = [...new Set(itemIds)];
  const [stored, items] = await Promise.all([
    userKey === undefined ? undefined : reader.readUser(userKey),
    reader.readItems(distinct),
  ]);
  const user: UserState = stored === undefined ? emptyUserState() : { ...emptyUserState(), stored };
  return {
    user,
    items,
    known: distinct.filter((itemId) => isKnown(items.get(itemId))),
    unknown: distinct.filter((itemId) => !isKnown(items.get(itemId))),
  };
}

/** The ranker's scores of the known items; undefined without a ranker. */
async function scoreStage(
  ranker: Ranker | undefined,
  input: {
    read: Awaited<ReturnType<typeof readStage>>;
    nowMs: number;
    client: Parameters<typeof requestContextFeatures>[1];
    timeoutMs: number;
  },
): Promise<RankerOutcome | undefined> {
  if (ranker === undefined) return undefined;
  const { read, nowMs } = input;
  return scoreWithin(ranker, {
    sequence: rankerSequenceOf(read.user),
    candidates: rankingCandidatesOf(read.known, {
      user: decodeUserFeatures(read.user.stored, nowMs),
      userCategories: read.user.stored.categoryAffinity,
      context: requestContextFeatures(nowMs, input.client),
      items: read.items,
      nowMs,
    }),
    timeoutMs: input.timeoutMs,
  });
}

function rerankDegradation(
  outcome: RankerOutcome | undefined,
  ranker: Ranker | undefined,
): Pick<RerankResult, 'degraded' | 'degradedReason' | 'rankedBy'> {
  if (outcome === undefined || ranker === undefined)
    return { degraded: true, degradedReason: 'no_model', rankedBy: FALLBACK_RANKED_BY };
  return degradation(outcome, ranker);
}

function isKnown(hash: StoredHash | undefined): boolean {
  return hash !== undefined && Object.keys(hash).length > 0;
}

function rerankedItem(
  itemId: string,
  score: number,
  facts: { items: ReadonlyMap<string, StoredHash>; interests: readonly WeightedName[] },
): Omit<RecommendedItem, 'rank'> {
  const path = categoryPathOf(facts.items.get(itemId));
  const interest = facts.interests.find((category) => isInCategory(path, category.name));
  return interest === undefined
    ? { itemId, score, source: 'rerank' }
    : { itemId, score, source: 'rerank', explanation: interestExplanation(interest.name) };
}
