/** An item's features at a point in time, decoded from its feature-store hash. */
import type { Behaviour } from './feature-spec';
import { decayedEpochsOf, decayedSum, type DecayedEpoch } from './forward-decay';
import { countsOf, storedNumber, type StoredHash } from './stored-features';

export interface ItemFeatures {
  itemId: string;
  known: boolean;
  counts: Record<Behaviour, number>;
  viewsLastHour: number;
  viewsLastDay: number;
  /** Purchases per view, shrunk towards the prior for items with few views. */
  conversionRate: number;
  /** > 1 when the last hour's view rate beats the last day's average hourly rate. */
  popularityTrend: number;
  price: number | undefined;
  categoryPath: string[];
  brand: string | undefined;
  title: string | undefined;
  availability: string | undefined;
  ratingMean: number | undefined;
  ratingCount: number;
}

/** Prior conversion and its weight in views (a typical storefront converts 1–3 % of product views). */
export const CONVERSION_PRIOR = { rate: 0.02, views: 50 } as const;
export const CATEGORY_SEPARATOR = ' > ';

/** The part of an item's features that does not depend on the time they are read at. */
type TimelessItemFacts = Omit<
  ItemFeatures,
  'itemId' | 'viewsLastHour' | 'viewsLastDay' | 'popularityTrend'
>;

/**
 * Timeless facts per stored hash object. The scorer reuses one hash object for about a second across
 * every request that ranks the item (its item cache), so the strings are parsed once per read instead
 * of once per candidate per request; a hash is never changed after it was read (StoredHash is
 * read-only), which is what makes its identity a valid key. Weak: entries leave with the hash.
 */
const timelessFactsOf = new WeakMap<StoredHash, Timeless>();

interface Timeless {
  facts: TimelessItemFacts;
  /** The stored decayed view counters, to decay to the time of each read. */
  views: { lastHour: DecayedEpoch[]; lastDay: DecayedEpoch[] };
}

function timeless(hash: StoredHash): Timeless {
  const known = timelessFactsOf.get(hash);
  if (known !== undefined) return known;
  const counts = Object.freeze(countsOf(hash));
  const ratingCount = storedNumber(hash, 'rating_n');
  const facts: TimelessItemFacts = Object.freeze({
    known: Object.keys(hash).length > 0,
    counts,
    conversionRate:
      (counts.purchase + CONVERSION_PRIOR.rate * CONVERSION_PRIOR.views) /
      (counts.view + CONVERSION_PRIOR.views),
    price: hash['price'] === undefined ? undefined : storedNumber(hash, 'price'),
    categoryPath: Object.freeze(
      hash['cat'] ? hash['cat'].split(CATEGORY_SEPARATOR) : [],
    ) as string[],
    brand: hash['brand'],
    title: hash['title'],
    availability: hash['avail'],
    ratingMean: ratingCount > 0 ? storedNumber(hash, 'rating_sum') / ratingCount : undefined,
    ratingCount,
  });
  const views = {
    lastHour: decayedEpochsOf(hash, 'view', '1h'),
    lastDay: decayedEpochsOf(hash, 'view', '24h'),
  };
  const entry = { facts, views };
  timelessFactsOf.set(hash, entry);
  return entry;
}

/**
 * An item's features at `nowMs`. The returned `counts` and `categoryPath` are shared between calls for
 * the same hash object, and frozen: read them, copy them to change them.
 */
export function decodeItemFeatures(itemId: string, hash: StoredHash, nowMs: number): ItemFeatures {
  const { facts, views } = timeless(hash);
  const viewsLastHour = decayedSum(views.lastHour, '1h', nowMs);
  const viewsLastDay = decayedSum(views.lastDay, '24h', nowMs);
  // Field by field rather than a spread: this runs for every candidate of every request.
  return {
    itemId,
    known: facts.known,
    counts: facts.counts,
    viewsLastHour,
    viewsLastDay,
    conversionRate: facts.conversionRate,
    popularityTrend: (viewsLastHour + 1) / (viewsLastDay / 24 + 1),
    price: facts.price,
    categoryPath: facts.categoryPath,
    brand: facts.brand,
    title: facts.title,
    availability: facts.availability,
    ratingMean: facts.ratingMean,
    ratingCount: facts.ratingCount,
  };
}
