/**
 * Business filters applied to candidates before ranking. Each removed item keeps the reason, so tests and
 * debugging can tell why an item is missing. Pure: the facts are read beforehand.
 */
import type { StoredHash } from '@recsys/features';
import { categoryPathOf, isInCategory } from './category-sources';
import type { ShownCount } from './reader';
import type { RecommendationSettings } from './settings';

export const filterReasons = [
  'excluded',
  'context_item',
  'unknown_item',
  'unavailable',
  'purchased',
  'over_shown',
] as const;
export type FilterReason = (typeof filterReasons)[number];

/** What the filters look at, read once per request. */
export interface FilterFacts {
  readonly items: ReadonlyMap<string, StoredHash>;
  /** The request's exclude list. */
  readonly excluded: ReadonlySet<string>;
  /** Items of the current context (the item being viewed, the cart). */
  readonly contextItems: ReadonlySet<string>;
  readonly purchased: ReadonlySet<string>;
  readonly shown: ReadonlyMap<string, ShownCount>;
}

export type FilterSettings = Pick<
  RecommendationSettings,
  'maxShownWithoutClick' | 'repurchasableCategories' | 'unavailable'
>;

/** Why an item may not be recommended, or undefined when it may. */
export function filterReasonOf(
  itemId: string,
  facts: FilterFacts,
  settings: FilterSettings,
): FilterReason | undefined {
  if (facts.excluded.has(itemId)) return 'excluded';
  if (facts.contextItems.has(itemId)) return 'context_item';
  const hash = facts.items.get(itemId);
  if (hash === undefined || Object.keys(hash).length === 0) return 'unknown_item';
  if (isUnavailable(hash, settings)) return 'unavailable';
  if (facts.purchased.has(itemId) && !isRepurchasable(hash, settings)) return 'purchased';
  if (isOverShown(facts.shown.get(itemId), settings)) return 'over_shown';
  return undefined;
}

export interface FilterOutcome<T> {
  readonly kept: T[];
  readonly removed: ReadonlyMap<string, FilterReason>;
}

/** Keeps the candidates no filter objects to, in their order. */
export function applyFilters<T extends { readonly itemId: string }>(
  candidates: readonly T[],
  facts: FilterFacts,
  settings: FilterSettings,
): FilterOutcome<T> {
  const kept: T[] = [];
  const removed = new Map<string, FilterReason>();
  for (const candidate of candidates) {
    const reason = filterReasonOf(candidate.itemId, facts, settings);
    if (reason === undefined) kept.push(candidate);
    else removed.set(candidate.itemId, reason);
  }
  return { kept, removed };
}

function isUnavailable(hash: StoredHash, settings: FilterSettings): boolean {
  const availability = hash['avail'];
  return (
    availability !== undefined && (settings.unavailable as readonly string[]).includes(availability)
  );
}

function isRepurchasable(hash: StoredHash, settings: FilterSettings): boolean {
  const path = categoryPathOf(hash);
  return settings.repurchasableCategories.some((category) => isInCategory(path, category));
}

function isOverShown(count: ShownCount | undefined, settings: FilterSettings): boolean {
  return count !== undefined && count.clicked === 0 && count.shown >= settings.maxShownWithoutClick;
}
