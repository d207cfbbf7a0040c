/**
 * Category sources: popular items of the user's top categories (`category_affinity`) and of the page's
 * category (`context_category`). Two ways to find them, merged: the per-category popularity lists when
 * the reader offers `readCategoryPopular` (exact category paths), and always a derivation from the
 * all-time popular list, whose items are grouped by their catalogue category once their hashes are read
 * (this one also finds items in subcategories of the wanted path).
 */
import { CATEGORY_SEPARATOR, type StoredHash, type WeightedName } from '@recsys/features';
import type { SourceHit } from './candidates';
import type { ScoredItem } from './reader';

export function categoryPathOf(hash: StoredHash | undefined): string[] {
  const path = hash?.['cat'];
  return path ? path.split(CATEGORY_SEPARATOR) : [];
}

export function topLevelCategoryOf(hash: StoredHash | undefined): string | undefined {
  return categoryPathOf(hash)[0];
}

/** True when `itemPath` lies in the category `category` (a path joined by `' > '`) or below it. */
export function isInCategory(itemPath: readonly string[], category: string): boolean {
  const wanted = category.split(CATEGORY_SEPARATOR);
  return wanted.length <= itemPath.length && wanted.every((segment, i) => itemPath[i] === segment);
}

/** The category a shopper reads: its last segment (`Shoes > Running` → `Running`). */
export function categoryLabel(category: string): string {
  const segments = category.split(CATEGORY_SEPARATOR);
  return segments[segments.length - 1] ?? category;
}

export interface CategoryHitsInput {
  /** Wanted categories (full paths) with their weight in (0, 1]. */
  readonly categories: readonly WeightedName[];
  /** The popular list, most popular first. */
  readonly popular: readonly ScoredItem[];
  readonly items: ReadonlyMap<string, StoredHash>;
  /** Items taken per category. */
  readonly limit: number;
}

type CategorySource = 'category_affinity' | 'context_category';

/** Hits of one category from its members, most popular first, scored relative to the first. */
function hitsOf(category: WeightedName, members: readonly ScoredItem[], source: CategorySource) {
  const top = members.reduce((max, entry) => Math.max(max, entry.weight), 0);
  if (top <= 0 || category.score <= 0) return [];
  return members
    .filter((entry) => entry.weight > 0)
    .map((entry): SourceHit => ({
      itemId: entry.itemId,
      score: Math.min(1, category.score * (entry.weight / top)),
      evidence: { source, category: category.name },
    }));
}

/**
 * Derived: popular items of the wanted categories. Score = category weight × the item's popularity
 * relative to the category's most popular item, so a small category's best sellers are not drowned by
 * the big ones.
 */
export function categoryHits(input: CategoryHitsInput, source: CategorySource): SourceHit[] {
  return input.categories.flatMap((category) =>
    hitsOf(
      category,
      input.popular
        .filter(
          (entry) =>
            entry.weight > 0 &&
            isInCategory(categoryPathOf(input.items.get(entry.itemId)), category.name),
        )
        .slice(0, input.limit),
      source,
    ),
  );
}

/** From the store's per-category lists (`readCategoryPopular`), scored as `categoryHits` does. */
export function listedCategoryHits(
  input: {
    readonly categories: readonly WeightedName[];
    readonly lists: ReadonlyMap<string, readonly ScoredItem[]>;
    readonly limit: number;
  },
  source: CategorySource,
): SourceHit[] {
  return input.categories.flatMap((category) =>
    hitsOf(category, (input.lists.get(category.name) ?? []).slice(0, input.limit), source),
  );
}
