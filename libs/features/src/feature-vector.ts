/**
 * The named numeric features of one (user, item, context) triple: what training examples carry and what
 * the ranker reads at serving time. One function for both, so training and serving cannot drift.
 * Counts enter as log1p, cyclic time as sin/cos, categorical values one-hot.
 */
import { knownDevices, type ContextFeatures } from './context-features';
import { CATEGORY_SEPARATOR, decodeItemFeatures, type ItemFeatures } from './item-features';
import type { StoredHash } from './stored-features';
import { decodeUserFeatures, type UserFeatures } from './user-features';

export type FeatureVector = Record<string, number>;

const log1p = (value: number | undefined): number => Math.log1p(Math.max(0, value ?? 0));
const HOURS = 3_600_000;

export function userFeatureVector(user: UserFeatures): FeatureVector {
  return {
    'user.views_1h': log1p(user.windowed.view['1h']),
    'user.views_24h': log1p(user.windowed.view['24h']),
    'user.views_30d': log1p(user.windowed.view['30d']),
    'user.searches_24h': log1p(user.windowed.search['24h']),
    'user.carts_30d': log1p(user.windowed.cart['30d']),
    'user.purchases_30d': log1p(user.windowed.purchase['30d']),
    'user.views_total': log1p(user.counts.view),
    'user.purchases_total': log1p(user.counts.purchase),
    'user.recency_hours': log1p(user.recencyMs === undefined ? 24 * 365 : user.recencyMs / HOURS),
    'user.session_events': log1p(user.session.events),
    'user.mean_price': log1p(user.meanPrice),
    'user.known': user.lastSeenMs === undefined ? 0 : 1,
  };
}

export function itemFeatureVector(item: ItemFeatures): FeatureVector {
  return {
    'item.views_total': log1p(item.counts.view),
    'item.carts_total': log1p(item.counts.cart),
    'item.purchases_total': log1p(item.counts.purchase),
    'item.views_1h': log1p(item.viewsLastHour),
    'item.trend': Math.log(item.popularityTrend),
    'item.conversion': item.conversionRate,
    'item.price': log1p(item.price),
    'item.rating_mean': item.ratingMean ?? 0,
    'item.rating_count': log1p(item.ratingCount),
    'item.in_stock': item.availability === undefined || item.availability === 'in_stock' ? 1 : 0,
  };
}

export interface CrossInputs {
  user: UserFeatures;
  /** The user's raw category affinity hash (full paths), for prefix matches beyond the top entries. */
  userCategories: StoredHash;
  item: ItemFeatures;
}

/** The user's category weights indexed once per request, so each candidate's shares are two lookups. */
export interface CategoryWeights {
  total: number;
  byPath: ReadonlyMap<string, number>;
  byTop: ReadonlyMap<string, number>;
}

export function categoryWeightsOf(userCategories: StoredHash): CategoryWeights {
  const byPath = new Map<string, number>();
  const byTop = new Map<string, number>();
  let total = 0;
  for (const [category, value] of Object.entries(userCategories)) {
    const weight = Number(value) || 0;
    total += weight;
    byPath.set(category, (byPath.get(category) ?? 0) + weight);
    const top = category.split(CATEGORY_SEPARATOR)[0] ?? category;
    byTop.set(top, (byTop.get(top) ?? 0) + weight);
  }
  return { total, byPath, byTop };
}

/** Shares of the user's category weight on the item's exact category path and on its top level. */
function categoryShares(
  weights: CategoryWeights,
  categoryPath: string[],
): { exact: number; sameTop: number } {
  if (weights.total <= 0) return { exact: 0, sameTop: 0 };
  const exact = weights.byPath.get(categoryPath.join(CATEGORY_SEPARATOR)) ?? 0;
  const top = categoryPath[0];
  const sameTop = top === undefined ? 0 : (weights.byTop.get(top) ?? 0);
  return { exact: exact / weights.total, sameTop: sameTop / weights.total };
}

function priceRatio(user: UserFeatures, item: ItemFeatures): number {
  if (user.meanPrice === undefined || item.price === undefined) return 0;
  return Math.log((item.price + 1) / (user.meanPrice + 1));
}

export function crossFeatureVector({ user, userCategories, item }: CrossInputs): FeatureVector {
  return preparedCrossFeatureVector(user, categoryWeightsOf(userCategories), item);
}

function preparedCrossFeatureVector(
  user: UserFeatures,
  weights: CategoryWeights,
  item: ItemFeatures,
): FeatureVector {
  const shares = categoryShares(weights, item.categoryPath);
  const position = user.sequence.indexOf(item.itemId);
  return {
    'cross.category_affinity': shares.exact,
    'cross.top_category_affinity': shares.sameTop,
    'cross.brand_affinity':
      user.brandAffinity.find((entry) => entry.name === item.brand)?.score ?? 0,
    'cross.price_ratio': priceRatio(user, item),
    'cross.seen_recently': position < 0 ? 0 : 1 / (1 + position),
  };
}

export function contextFeatureVector(context: ContextFeatures): FeatureVector {
  const hourAngle = (2 * Math.PI * context.hourOfDay) / 24;
  const dayAngle = (2 * Math.PI * context.dayOfWeek) / 7;
  const vector: FeatureVector = {
    'context.hour_sin': Math.sin(hourAngle),
    'context.hour_cos': Math.cos(hourAngle),
    'context.dow_sin': Math.sin(dayAngle),
    'context.dow_cos': Math.cos(dayAngle),
  };
  for (const device of knownDevices)
    vector[`context.device_${device}`] = context.device === device ? 1 : 0;
  return vector;
}

export function featureVectorOf(inputs: CrossInputs & { context: ContextFeatures }): FeatureVector {
  return prepareRequestFeatures(inputs).vectorFor(inputs.item);
}

/**
 * The per-request part computed once — user and context features, the user's category index — and the
 * per-candidate part on demand: what serving uses for its hundreds of candidates per request. Gives
 * exactly `featureVectorOf` for each item.
 */
export function prepareRequestFeatures(inputs: {
  user: UserFeatures;
  userCategories: StoredHash;
  context: ContextFeatures;
}): RequestFeatures {
  const shared = joinVectors(userFeatureVector(inputs.user), contextFeatureVector(inputs.context));
  const weights = categoryWeightsOf(inputs.userCategories);
  const itemPartOf = (item: ItemFeatures): FeatureVector =>
    joinVectors(itemFeatureVector(item), preparedCrossFeatureVector(inputs.user, weights, item));
  return {
    shared,
    itemPartOf,
    vectorFor: (item) => joinVectors(shared, itemPartOf(item)),
  };
}

export interface RequestFeatures {
  /** The user and context features: the same for every item of the request. */
  shared: FeatureVector;
  /** The item's own features and the user × item cross features. */
  itemPartOf: (item: ItemFeatures) => FeatureVector;
  /** The whole vector: `shared` joined with `itemPartOf(item)`. */
  vectorFor: (item: ItemFeatures) => FeatureVector;
}

/**
 * The order of the numeric arrays that training examples carry (`shared`, then each item's part), taken
 * from the vectors themselves so that a feature added above is in them at once. Tied to
 * FEATURE_SPEC_VERSION like every name.
 */
export const trainingFeatureOrder: { shared: readonly string[]; item: readonly string[] } = (() => {
  const user = decodeUserFeatures(
    { profile: {}, categoryAffinity: {}, brandAffinity: {}, sequence: [] },
    0,
  );
  const request = prepareRequestFeatures({
    user,
    userCategories: {},
    context: { hourOfDay: 0, dayOfWeek: 0, device: knownDevices[0] },
  });
  return {
    shared: Object.keys(request.shared),
    item: Object.keys(request.itemPartOf(decodeItemFeatures('-', {}, 0))),
  };
})();

/** The vector's values in `names` order (a missing name reads NaN, which the contract refuses). */
export function valuesInOrder(vector: FeatureVector, names: readonly string[]): number[] {
  const values = new Array<number>(names.length);
  for (let index = 0; index < names.length; index++)
    values[index] = vector[names[index]!] ?? Number.NaN;
  return values;
}

/**
 * One vector of several, later parts winning on a shared name. A loop, not a spread: spreading
 * three vectors into one of 36 names took ≈ 50 µs per candidate on Node 20 (V8 11.3), this loop a few
 * — the spread was most of the scorer's CPU at 200 candidates per request.
 */
export function joinVectors(...parts: FeatureVector[]): FeatureVector {
  const joined: FeatureVector = {};
  for (const part of parts) for (const name in part) joined[name] = part[name]!;
  return joined;
}
