/** An item's features at a point in time, decoded from its feature-store hash. */
import type { Behaviour } from './feature-spec';
import { countsOf, decayedCount, storedNumber, type StoredHash } from './stored-features';

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

export function decodeItemFeatures(itemId: string, hash: StoredHash, nowMs: number): ItemFeatures {
  const counts = countsOf(hash);
  const viewsLastHour = decayedCount(hash, { behaviour: 'view', window: '1h' }, nowMs);
  const viewsLastDay = decayedCount(hash, { behaviour: 'view', window: '24h' }, nowMs);
  const ratingCount = storedNumber(hash, 'rating_n');
  return {
    itemId,
    known: Object.keys(hash).length > 0,
    counts,
    viewsLastHour,
    viewsLastDay,
    conversionRate:
      (counts.purchase + CONVERSION_PRIOR.rate * CONVERSION_PRIOR.views) /
      (counts.view + CONVERSION_PRIOR.views),
    popularityTrend: (viewsLastHour + 1) / (viewsLastDay / 24 + 1),
    price: hash['price'] === undefined ? undefined : storedNumber(hash, 'price'),
    categoryPath: hash['cat'] ? hash['cat'].split(CATEGORY_SEPARATOR) : [],
    brand: hash['brand'],
    title: hash['title'],
    availability: hash['avail'],
    ratingMean: ratingCount > 0 ? storedNumber(hash, 'rating_sum') / ratingCount : undefined,
    ratingCount,
  };
}
