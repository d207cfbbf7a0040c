/**
 * What the recommendation pipeline reads from the feature store. The scorer implements it over Redis
 * (layout: libs/feature-store/FORMAT.md); `InMemoryRecommendationReader` implements it over maps.
 *
 * Contract: every method returns plain data and never throws for a missing key (an unknown user, item or
 * list reads as empty). Methods that take many ids read them in one pipeline. The pipeline issues the
 * methods in at most three dependent stages, calling the methods of one stage in the same tick so that
 * a single connection sends them back to back (one round trip of latency):
 *
 * 1. `readUser`, `readShownCounts`, `readPurchased` (all keys of one user: one hash slot) and `readLists`;
 * 2. `readNeighbours` of the anchors (context items and the user's most recent items) and, when the
 *    reader has it, `readCategoryPopular` of the user's top categories and the page's category;
 * 3. `readItems` of every candidate and anchor.
 *
 * A consent opt-out or an anonymous request skips the user reads; re-ranking needs only stage 1.
 */
import type { StoredHash, StoredUser } from '@recsys/features';

/** An item with the score of a sorted set (co-visitation weight, popularity, first-seen time). */
export interface ScoredItem {
  readonly itemId: string;
  readonly weight: number;
}

/** How often an item was shown to a user in recommendations, and clicked there. */
export interface ShownCount {
  readonly shown: number;
  readonly clicked: number;
}

/** Depths of the global lists read in one go. */
export interface ListsQuery {
  /** All-time popularity (`fs:v2:{s:<source>}:pop`, merged over the shards). */
  readonly popular: number;
  /** Popularity of the UTC day containing `dayMs` (`fs:v2:{s:<source>}:pop:d:<yyyymmdd>`, merged). */
  readonly today: { readonly limit: number; readonly dayMs: number };
  /** Newest catalogue items, newest first; the weight is the first-seen time in ms. */
  readonly newest: number;
}

export interface CandidateLists {
  readonly popular: readonly ScoredItem[];
  readonly today: readonly ScoredItem[];
  readonly newest: readonly ScoredItem[];
}

export interface RecommendationReader {
  /** The user's profile, category and brand affinity, and recent items (most recent first). */
  readUser(userKey: string): Promise<StoredUser>;
  /** Items shown to the user in recommendations: item → shown and clicked counts. */
  readShownCounts(userKey: string): Promise<ReadonlyMap<string, ShownCount>>;
  /** Items the user has bought. */
  readPurchased(userKey: string): Promise<ReadonlySet<string>>;
  /** Global popularity (all time and today) and the newest items, in one pipeline. */
  readLists(query: ListsQuery): Promise<CandidateLists>;
  /**
   * Strongest co-visitation neighbours (`fs:v2:{i:<id>}:cv`) of each item, at most `perItem` each,
   * strongest first. Every requested id is a key of the result (an empty list when it has none).
   */
  readNeighbours(
    itemIds: readonly string[],
    perItem: number,
  ): Promise<ReadonlyMap<string, readonly ScoredItem[]>>;
  /**
   * Optional: the most popular items of each full category path (`fs:v2:{s:<source>}:pop:c:<path>`, merged; exact path),
   * at most `perCategory` each, strongest first; every requested path is a key of the result. Without
   * it the category sources are derived from the all-time popular list alone (see category-sources.ts).
   */
  readCategoryPopular?(
    categories: readonly string[],
    perCategory: number,
  ): Promise<ReadonlyMap<string, readonly ScoredItem[]>>;
  /** Item hashes (`fs:v1:{i:<id>}:p`); an unknown item maps to an empty hash. */
  readItems(itemIds: readonly string[]): Promise<ReadonlyMap<string, StoredHash>>;
}

/** The time source of the pipeline (feature decay and timings), injected so tests can fix it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
