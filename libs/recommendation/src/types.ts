/** Requests and results of the public entry points `recommend` and `rerank`. */
import type { DegradedReason, EventContext } from '@recsys/contracts';
import type { FilterReason } from './filters';
import type { Ranker } from './ranker';
import type { Clock, RecommendationReader } from './reader';
import type { RecommendationSettings } from './settings';

export interface RequestContext {
  /**
   * Items the shopper is looking at (the product page's item, the cart). They are never recommended and
   * are the first co-visitation anchors.
   */
  readonly itemIds?: readonly string[];
  /** Category of the page, root first; else the first context item's category is used. */
  readonly categoryPath?: readonly string[];
  /** Device and time zone as the request's event context carries them (context features). */
  readonly client?: EventContext;
}

export interface RecommendRequest {
  /** The feature store's user key (pseudonymised user id, or the anonymous id); none: anonymous. */
  readonly userKey?: string;
  /** Items wanted, 1–100. */
  readonly k: number;
  /** The user's consent to personalisation. false: no data of the user is read at all. */
  readonly personalization: boolean;
  /** Seeds the exploration draw, e.g. the request id: the same seed gives the same list. */
  readonly seed: string;
  readonly context?: RequestContext;
  /** Items never to return (e.g. already on the page). */
  readonly exclude?: readonly string[];
  /** Epoch ms (by the injected clock) after which the ranker is not awaited. Default now + rankerTimeoutMs. */
  readonly deadlineMs?: number;
}

/** One returned item; the shape of the contracts' `recommendedItemSchema`. */
export interface RecommendedItem {
  readonly itemId: string;
  /** 0-based position. */
  readonly rank: number;
  /**
   * The ranker's score, higher is better; when degraded, the candidate source's score (`recommend`) or
   * 0 (`rerank`: the given order kept, nothing scored).
   */
  readonly score: number;
  /** The candidate source behind the explanation (`co_visitation`, `trending`, …, `rerank`). */
  readonly source: string;
  readonly explanation?: string;
}

/** Which model ordered the list: the ranker's kind and version, or the fallback order. */
export interface RankedBy {
  readonly kind: string;
  readonly version: string;
}

/** Wall time per stage in ms, by the injected clock. */
export interface RecommendTimings {
  /** Stage 1: the user's data and the global lists. */
  readonly userAndListsMs: number;
  /** Stage 2: co-visitation neighbours of the anchors (and the per-category lists). */
  readonly neighboursMs: number;
  /** Stage 3: item hashes of all candidates and anchors. */
  readonly itemsMs: number;
  readonly rankMs: number;
  readonly totalMs: number;
}

export interface RecommendResult {
  readonly items: RecommendedItem[];
  /** True when the user's own history shaped the list (consent given and history present). */
  readonly personalized: boolean;
  /** True when the ranker failed or was late and the source-score order was used. */
  readonly degraded: boolean;
  readonly degradedReason?: DegradedReason;
  readonly rankedBy: RankedBy;
  /** Distinct items the sources proposed. */
  readonly candidatesGenerated: number;
  /** Candidates that passed the filters and were ranked (at most `maxCandidates`). */
  readonly candidatesConsidered: number;
  /** Candidates removed, per filter. */
  readonly filtered: Readonly<Partial<Record<FilterReason, number>>>;
  readonly timings: RecommendTimings;
}

export interface RerankRequest {
  readonly userKey?: string;
  /** Items to order, e.g. search results; at most 1000. Duplicates keep their first place. */
  readonly itemIds: readonly string[];
  readonly personalization: boolean;
  readonly context?: Pick<RequestContext, 'client'>;
  readonly deadlineMs?: number;
}

export interface RerankResult {
  /** Every distinct requested item: ranked known items, then unknown ones in their given order. */
  readonly items: RecommendedItem[];
  /** True when a model ranked the items with the user's own history (consent given, history present). */
  readonly personalized: boolean;
  readonly degraded: boolean;
  readonly degradedReason?: DegradedReason;
  readonly rankedBy: RankedBy;
  /** Requested items the store knows nothing about (kept at the end). */
  readonly unknownItems: number;
  readonly timings: { readonly readMs: number; readonly rankMs: number; readonly totalMs: number };
}

export interface RecommendationDeps {
  readonly reader: RecommendationReader;
  readonly ranker: Ranker;
  /** @default systemClock */
  readonly clock?: Clock;
  /** @default defaultRecommendationSettings */
  readonly settings?: RecommendationSettings;
}

/**
 * `rerank`'s: without a ranker (no model trained yet) the given order is all there is, and the result
 * says so (degraded `no_model`, scores 0, not personalised) rather than passing it off as a ranking.
 */
export interface RerankDeps extends Omit<RecommendationDeps, 'ranker'> {
  readonly ranker: Ranker | undefined;
}

/** Most items `rerank` accepts (the contracts' `candidateItemIds` limit). */
export const MAX_RERANK_ITEMS = 1000;
/** Largest k `recommend` accepts (the contracts' request limit). */
export const MAX_K = 100;

/** Order reported when the ranker could not be used. */
export const FALLBACK_RANKED_BY: RankedBy = { kind: 'source_score', version: 'fallback' };
