/**
 * The steps of `recommend` between the reads: sources → merge → filters → cut, and ranked list →
 * diversity → exploration → explained items. Pure functions over data already read.
 */
import { CATEGORY_SEPARATOR, type StoredHash, type WeightedName } from '@recsys/features';
import {
  anchorsOf,
  bySourceScore,
  coVisitationHits,
  explorationHits,
  mergeCandidates,
  popularHits,
  trendingHits,
  type Anchor,
  type Candidate,
  type SourceHit,
} from './candidates';
import {
  categoryHits,
  categoryPathOf,
  listedCategoryHits,
  topLevelCategoryOf,
} from './category-sources';
import { diversify } from './diversity';
import { seededRandom, withExploration } from './exploration';
import { explanationOf } from './explanations';
import { applyFilters, type FilterReason } from './filters';
import type { Scored } from './ranking';
import type { CandidateLists, ScoredItem } from './reader';
import type { RecommendationSettings } from './settings';
import type { RecommendedItem, RecommendRequest } from './types';
import { topCategoriesOf, type UserState } from './user-state';

export function contextItemIdsOf(request: Pick<RecommendRequest, 'context'>): string[] {
  return [...new Set(request.context?.itemIds ?? [])];
}

export function anchorsFor(
  request: RecommendRequest,
  user: UserState,
  settings: RecommendationSettings,
): Anchor[] {
  return anchorsOf(contextItemIdsOf(request), user.stored.sequence, settings);
}

/** Categories the category sources look for: the user's strongest ones and the page's. */
export interface WantedCategories {
  readonly user: readonly WeightedName[];
  readonly context: readonly WeightedName[];
}

export function wantedCategories(
  request: RecommendRequest,
  user: UserState,
  settings: RecommendationSettings,
): WantedCategories {
  const path = request.context?.categoryPath ?? [];
  return {
    user: topCategoriesOf(user.stored, settings.topCategories),
    context: path.length > 0 ? [{ name: path.join(CATEGORY_SEPARATOR), score: 1 }] : [],
  };
}

export interface IdSourceInput {
  readonly anchors: readonly Anchor[];
  readonly neighbours: ReadonlyMap<string, readonly ScoredItem[]>;
  readonly lists: CandidateLists;
  readonly categories: WantedCategories;
  /** Per-category lists from `readCategoryPopular` (empty when the reader has none). */
  readonly categoryLists: ReadonlyMap<string, readonly ScoredItem[]>;
}

/**
 * Hits of the sources that need no item hash: co-visitation, trending, popular, exploration, and the
 * category sources' per-category lists.
 */
export function idSourceHits(input: IdSourceInput, settings: RecommendationSettings): SourceHit[] {
  const listed = { lists: input.categoryLists, limit: settings.categoryLimit };
  return [
    ...coVisitationHits(input.anchors, input.neighbours),
    ...trendingHits(input.lists, settings),
    ...popularHits(input.lists.popular),
    ...explorationHits(input.lists.newest),
    ...listedCategoryHits({ ...listed, categories: input.categories.user }, 'category_affinity'),
    ...listedCategoryHits({ ...listed, categories: input.categories.context }, 'context_category'),
  ];
}

/** Every item whose hash the pipeline needs: candidates (for filters, features) and anchors (titles). */
export function itemsToRead(hits: readonly SourceHit[], anchors: readonly Anchor[]): string[] {
  return [
    ...new Set([...hits.map((hit) => hit.itemId), ...anchors.map((anchor) => anchor.itemId)]),
  ];
}

export interface PoolInput {
  readonly request: RecommendRequest;
  readonly user: UserState;
  readonly lists: CandidateLists;
  readonly items: ReadonlyMap<string, StoredHash>;
  readonly idHits: readonly SourceHit[];
  readonly categories: WantedCategories;
}

export interface CandidatePool {
  readonly generated: number;
  /** Passed the filters and the cut, best source score first. */
  readonly considered: Candidate[];
  readonly filtered: Partial<Record<FilterReason, number>>;
}

/** Derived category sources, merge, filters and the cut to `maxCandidates`. */
export function candidatePool(input: PoolInput, settings: RecommendationSettings): CandidatePool {
  const base = { popular: input.lists.popular, items: input.items, limit: settings.categoryLimit };
  const hits = [
    ...input.idHits,
    ...categoryHits({ ...base, categories: input.categories.user }, 'category_affinity'),
    ...categoryHits({ ...base, categories: contextCategoriesOf(input) }, 'context_category'),
  ];
  const merged = mergeCandidates(hits, settings.sourceWeights);
  const { kept, removed } = applyFilters(
    merged,
    {
      items: input.items,
      excluded: new Set(input.request.exclude ?? []),
      contextItems: new Set(contextItemIdsOf(input.request)),
      purchased: input.user.purchased,
      shown: input.user.shown,
    },
    settings,
  );
  return {
    generated: merged.length,
    considered: cut(kept, settings),
    filtered: countReasons(removed),
  };
}

/** The page's category, else the first context item's (known once the item hashes are read). */
function contextCategoriesOf(input: PoolInput): readonly WeightedName[] {
  if (input.categories.context.length > 0) return input.categories.context;
  const first = contextItemIdsOf(input.request)[0];
  const path = first === undefined ? [] : categoryPathOf(input.items.get(first));
  return path.length > 0 ? [{ name: path.join(CATEGORY_SEPARATOR), score: 1 }] : [];
}

const isExploration = (candidate: Candidate) =>
  candidate.hits.some((hit) => hit.evidence.source === 'exploration');

/**
 * The best `maxCandidates` by source score, keeping a reserve (explorationShare of them) for new
 * items, whose source score is low by nature: without it exploration would have nothing to pick from.
 */
function cut(kept: readonly Candidate[], settings: RecommendationSettings): Candidate[] {
  const max = settings.maxCandidates;
  if (kept.length <= max) return [...kept];
  const reserve = Math.ceil(max * settings.explorationShare);
  const exploring = new Set(kept.filter(isExploration).slice(0, reserve));
  const rest = kept.filter((candidate) => !exploring.has(candidate)).slice(0, max - exploring.size);
  return [...rest, ...exploring].sort(bySourceScore);
}

function countReasons(
  removed: ReadonlyMap<string, FilterReason>,
): Partial<Record<FilterReason, number>> {
  const counts: Partial<Record<FilterReason, number>> = {};
  for (const reason of removed.values()) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}

export interface FinalListInput {
  readonly ranked: ReadonlyArray<Scored<Candidate>>;
  readonly items: ReadonlyMap<string, StoredHash>;
  readonly k: number;
  readonly seed: string;
}

/** Diversity cap, exploration slots and explanations over the ranked candidates. */
export function finalItems(
  input: FinalListInput,
  settings: RecommendationSettings,
): RecommendedItem[] {
  const categoryOf = (entry: Scored<Candidate>) =>
    topLevelCategoryOf(input.items.get(entry.entry.itemId));
  const diversified = diversify(input.ranked, categoryOf, {
    k: input.k,
    maxCategoryShare: settings.maxCategoryShare,
  });
  const listed = new Set(diversified);
  const { list, explored } = withExploration({
    list: diversified,
    pool: input.ranked.filter((entry) => !listed.has(entry) && isExploration(entry.entry)),
    k: input.k,
    share: settings.explorationShare,
    random: seededRandom(input.seed),
  });
  const titleOf = (itemId: string) => input.items.get(itemId)?.['title'];
  return list.map((entry, rank) => {
    const evidence = explored.includes(entry)
      ? ({ source: 'exploration' } as const)
      : entry.entry.best.evidence;
    return {
      itemId: entry.entry.itemId,
      rank,
      score: entry.score,
      source: evidence.source,
      explanation: explanationOf(evidence, titleOf),
    };
  });
}
