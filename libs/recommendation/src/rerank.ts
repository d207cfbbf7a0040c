/**
 * `rerank`: orders a given list (e.g. search results) with the ranker, in one read stage (the user and
 * the items concurrently). No filters: every distinct requested item comes back. Items the store does
 * not know go last in their given order; if the ranker fails, the known items keep their given order.
 */
import { decodeUserFeatures, type StoredHash, type WeightedName } from '@recsys/features';
import { categoryPathOf, isInCategory } from './category-sources';
import { interestExplanation } from './explanations';
import { orderByScore, rankingCandidatesOf, scoreWithin } from './ranking';
import { degradation, pipelineEnvOf, rankerSequenceOf, stopwatch } from './recommend';
import {
  MAX_RERANK_ITEMS,
  type RecommendationDeps,
  type RecommendedItem,
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

export async function rerank(
  request: RerankRequest,
  deps: RecommendationDeps,
): Promise<RerankResult> {
  if (request.itemIds.length > MAX_RERANK_ITEMS)
    throw new RangeError(
      `at most ${MAX_RERANK_ITEMS} items can be re-ranked, got ${request.itemIds.length}`,
    );
  const env = pipelineEnvOf(deps);
  const watch = stopwatch(env.clock);
  const nowMs = watch.startedMs;
  const itemIds = [...new Set(request.itemIds)];
  const userKey = readableUserKey(request);
  const [stored, items] = await Promise.all([
    userKey === undefined ? undefined : env.reader.readUser(userKey),
    env.reader.readItems(itemIds),
  ]);
  const user: UserState = stored === undefined ? emptyUserState() : { ...emptyUserState(), stored };
  const readMs = watch.lap();
  const known = itemIds.filter((itemId) => isKnown(items.get(itemId)));
  const unknown = itemIds.filter((itemId) => !isKnown(items.get(itemId)));
  const outcome = await scoreWithin(env.ranker, {
    sequence: rankerSequenceOf(user),
    candidates: rankingCandidatesOf(known, {
      user: decodeUserFeatures(user.stored, nowMs),
      userCategories: user.stored.categoryAffinity,
      context: requestContextFeatures(nowMs, request.context?.client),
      items,
      nowMs,
    }),
    timeoutMs: (request.deadlineMs ?? nowMs + env.settings.rankerTimeoutMs) - env.clock.now(),
  });
  const rankMs = watch.lap();
  const ordered = outcome.ok
    ? orderByScore(known, outcome.scores)
    : known.map((entry, index) => ({ entry, score: known.length - index }));
  const interests = topCategoriesOf(user.stored, env.settings.topCategories);
  return {
    items: [
      ...ordered.map(({ entry, score }) => rerankedItem(entry, score, { items, interests })),
      ...unknown.map((itemId) => ({ itemId, score: 0, source: 'unknown_item' })),
    ].map((item, rank) => ({ ...item, rank })),
    personalized: userKey !== undefined && hasHistory(user.stored),
    ...degradation(outcome, env.ranker),
    unknownItems: unknown.length,
    timings: { readMs, rankMs, totalMs: watch.total() },
  };
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
