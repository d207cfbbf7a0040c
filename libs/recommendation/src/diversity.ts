/**
 * Diversity re-rank: a cap on items per top-level category with backfill. Items are taken in ranked order
 * while their category is under the cap; if that leaves fewer than k, the skipped items fill the tail in
 * their ranked order. The top item is always kept in first place.
 */

export interface DiversityOptions {
  readonly k: number;
  /** Share of k one top-level category may fill (at least one item). */
  readonly maxCategoryShare: number;
}

/** Items one category may fill in a list of k. */
export function categoryCap(options: DiversityOptions): number {
  // The epsilon keeps 0.3 × 10 at 3 despite floating point (3.0000000000000004).
  return Math.max(1, Math.floor(options.maxCategoryShare * options.k + 1e-9));
}

/**
 * At most k entries. `categoryOf` gives an entry's top-level category; entries without one are never
 * capped.
 */
export function diversify<T>(
  ordered: readonly T[],
  categoryOf: (entry: T) => string | undefined,
  options: DiversityOptions,
): T[] {
  const cap = categoryCap(options);
  const counts = new Map<string, number>();
  const taken: T[] = [];
  const skipped: T[] = [];
  for (const entry of ordered) {
    if (taken.length >= options.k) break;
    const category = categoryOf(entry);
    const count = category === undefined ? 0 : (counts.get(category) ?? 0);
    if (category !== undefined && count >= cap) {
      skipped.push(entry);
      continue;
    }
    if (category !== undefined) counts.set(category, count + 1);
    taken.push(entry);
  }
  return [...taken, ...skipped].slice(0, options.k);
}
