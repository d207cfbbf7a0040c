/**
 * Candidate generation: each source proposes items with a score in (0, 1] and the evidence behind it;
 * `mergeCandidates` joins the proposals of all sources per item, so one candidate remembers every source
 * that found it. All functions here are pure.
 */
import type { CandidateLists, ScoredItem } from './reader';
import { candidateSources, type CandidateSource, type RecommendationSettings } from './settings';

/** Why a source proposed an item: what the explanation is written from. */
export type Evidence =
  | { readonly source: 'co_visitation'; readonly anchorItemId: string }
  | { readonly source: 'category_affinity'; readonly category: string }
  | { readonly source: 'context_category'; readonly category: string }
  | { readonly source: 'trending'; readonly growth: number }
  | { readonly source: 'exploration' }
  | { readonly source: 'popular' };

export interface SourceHit {
  readonly itemId: string;
  /** Strength within its source, in (0, 1]. */
  readonly score: number;
  readonly evidence: Evidence;
}

export interface Candidate {
  readonly itemId: string;
  /** One hit per source that proposed the item (the strongest when a source proposed it twice). */
  readonly hits: readonly SourceHit[];
  /** Σ source weight × hit score: the fallback order and the candidate cut. */
  readonly sourceScore: number;
  /** The hit with the largest weighted score: the item's source and explanation. */
  readonly best: SourceHit;
}

/** A co-visitation anchor: an item the shopper is looking at or looked at recently. */
export interface Anchor {
  readonly itemId: string;
  readonly weight: number;
}

/** Context items first (weight 1), then the user's most recent items, weight anchorDecay^i. */
export function anchorsOf(
  contextItemIds: readonly string[],
  recentFirst: readonly string[],
  settings: Pick<RecommendationSettings, 'anchorCount' | 'anchorDecay'>,
): Anchor[] {
  const context = [...new Set(contextItemIds)];
  const recent = [...new Set(recentFirst)]
    .filter((itemId) => !context.includes(itemId))
    .slice(0, settings.anchorCount);
  return [
    ...context.map((itemId) => ({ itemId, weight: 1 })),
    ...recent.map((itemId, index) => ({ itemId, weight: settings.anchorDecay ** index })),
  ];
}

/** Scales raw scores so the largest is 1; drops non-positive ones. */
function normalised<T extends { raw: number }>(
  entries: readonly T[],
): Array<T & { score: number }> {
  const max = entries.reduce((best, entry) => Math.max(best, entry.raw), 0);
  if (!(max > 0)) return [];
  return entries
    .filter((entry) => entry.raw > 0)
    .map((entry) => ({ ...entry, score: entry.raw / max }));
}

/**
 * Neighbours of the anchors. Each anchor's list is scaled by its strongest neighbour, so a heavily
 * visited anchor does not drown the others; an item's score sums its anchors' weighted shares, and its
 * evidence is the anchor that contributed most.
 */
export function coVisitationHits(
  anchors: readonly Anchor[],
  neighbours: ReadonlyMap<string, readonly ScoredItem[]>,
): SourceHit[] {
  const totals = new Map<string, { raw: number; anchorItemId: string; top: number }>();
  for (const anchor of anchors) {
    const list = neighbours.get(anchor.itemId) ?? [];
    const strongest = list.reduce((max, entry) => Math.max(max, entry.weight), 0);
    if (strongest <= 0) continue;
    for (const { itemId, weight } of list) {
      const share = (anchor.weight * Math.max(0, weight)) / strongest;
      if (itemId === anchor.itemId || share <= 0) continue;
      const total = totals.get(itemId) ?? { raw: 0, anchorItemId: anchor.itemId, top: 0 };
      const leads = share > total.top;
      totals.set(itemId, {
        raw: total.raw + share,
        anchorItemId: leads ? anchor.itemId : total.anchorItemId,
        top: leads ? share : total.top,
      });
    }
  }
  return normalised([...totals].map(([itemId, total]) => ({ itemId, ...total }))).map((entry) => ({
    itemId: entry.itemId,
    score: entry.score,
    evidence: { source: 'co_visitation', anchorItemId: entry.anchorItemId },
  }));
}

/** The all-time popular list as candidates, scaled by the most popular item. */
export function popularHits(popular: readonly ScoredItem[]): SourceHit[] {
  return normalised(popular.map((entry) => ({ itemId: entry.itemId, raw: entry.weight }))).map(
    (entry) => ({ itemId: entry.itemId, score: entry.score, evidence: { source: 'popular' } }),
  );
}

const MAX_GROWTH = 1e6;

/**
 * Today's growth: an item's share of today's popularity over its share of the all-time list. An item
 * missing from the all-time list gets that list's smallest share (its true share is at most that), so
 * growth is never overstated. Items below `trendingMinWeight` today, or not growing, are left out.
 */
export function trendingHits(
  lists: Pick<CandidateLists, 'popular' | 'today'>,
  settings: Pick<RecommendationSettings, 'trendingLimit' | 'trendingMinWeight'>,
): SourceHit[] {
  const todayTotal = sumOf(lists.today);
  const allTimeTotal = sumOf(lists.popular);
  if (todayTotal <= 0 || allTimeTotal <= 0) return [];
  const allTime = new Map(lists.popular.map((entry) => [entry.itemId, entry.weight]));
  const floor = lists.popular.reduce((min, entry) => Math.min(min, entry.weight), Infinity);
  const growths = lists.today
    .filter((entry) => entry.weight > 0 && entry.weight >= settings.trendingMinWeight)
    .map((entry) => {
      const pastShare = Math.max(allTime.get(entry.itemId) ?? floor, 0) / allTimeTotal;
      // Capped so a vanishing all-time share cannot make the growth infinite.
      const growth = entry.weight / todayTotal / Math.max(pastShare, 1e-9);
      return { itemId: entry.itemId, raw: Math.min(growth, MAX_GROWTH) };
    })
    .filter((entry) => entry.raw > 1)
    .sort((a, b) => b.raw - a.raw || compareIds(a.itemId, b.itemId))
    .slice(0, settings.trendingLimit);
  return normalised(growths).map((entry) => ({
    itemId: entry.itemId,
    score: entry.score,
    evidence: { source: 'trending', growth: entry.raw },
  }));
}

/** The newest items, newest first, as exploration candidates (score by rank). */
export function explorationHits(newest: readonly ScoredItem[]): SourceHit[] {
  const unique = [...new Set(newest.map((entry) => entry.itemId))];
  return unique.map((itemId, index) => ({
    itemId,
    score: (unique.length - index) / unique.length,
    evidence: { source: 'exploration' },
  }));
}

/** Joins the hits of all sources per item; strongest source score first, then item id. */
export function mergeCandidates(
  hits: readonly SourceHit[],
  weights: Readonly<Record<CandidateSource, number>>,
): Candidate[] {
  const byItem = new Map<string, Map<CandidateSource, SourceHit>>();
  for (const hit of hits) {
    const sources = byItem.get(hit.itemId) ?? new Map<CandidateSource, SourceHit>();
    const current = sources.get(hit.evidence.source);
    if (current === undefined || hit.score > current.score) sources.set(hit.evidence.source, hit);
    byItem.set(hit.itemId, sources);
  }
  return [...byItem]
    .map(([itemId, sources]) => candidateOf(itemId, [...sources.values()], weights))
    .sort(bySourceScore);
}

function candidateOf(
  itemId: string,
  hits: SourceHit[],
  weights: Readonly<Record<CandidateSource, number>>,
): Candidate {
  const weighted = (hit: SourceHit) => weights[hit.evidence.source] * hit.score;
  const ordered = [...hits].sort(
    (a, b) =>
      weighted(b) - weighted(a) ||
      candidateSources.indexOf(a.evidence.source) - candidateSources.indexOf(b.evidence.source),
  );
  const sourceScore = ordered.reduce((sum, hit) => sum + weighted(hit), 0);
  return { itemId, hits: ordered, sourceScore, best: ordered[0]! };
}

export function bySourceScore(a: Candidate, b: Candidate): number {
  return b.sourceScore - a.sourceScore || compareIds(a.itemId, b.itemId);
}

/** Code-unit order: the same on every machine (localeCompare is not). */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function sumOf(list: readonly ScoredItem[]): number {
  return list.reduce((sum, entry) => sum + Math.max(0, entry.weight), 0);
}
