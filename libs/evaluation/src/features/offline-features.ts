/**
 * The dense features an offline (history, candidate) pair gets, fitted from training interactions only.
 *
 * Offline features are a SUBSET of the serving features, computed the way the platform computes them
 * where the data allows (names as in `@recsys/features`' feature vector):
 * - `item.views_total`, `item.carts_total`, `item.purchases_total`: log1p of the item's training counts
 *   (views count every item interaction, so rating/review-only datasets still have a popularity);
 * - `item.trend`: log((recent + 1) / (expected recent + 1)), recent = the last `trendShare` of the
 *   training period, expected = the item's total × trendShare (serving: last hour vs the day's mean);
 * - `cross.seen_recently`: 1/(1 + position from the most recent history item), 0 when not in it;
 * - `cross.category_affinity` / `cross.top_category_affinity`: the history's share of items in the
 *   candidate's exact category path / top-level category (0 when the dataset has no categories);
 * - `cross.covis_score`: the co-visitation vote of the history for the candidate (log1p), the score of
 *   the co-visitation baseline — serving derives it from the feature store's co-visitation lists;
 * - `cross.covis_last`: the similarity of the candidate to the most recent history item alone (the
 *   item being looked at, serving's context anchor).
 * User, context, price, rating and stock features have no offline counterpart in most public datasets
 * and are left out; a model trained on these features reads the same names at serving time.
 */
import type { Interaction } from '../interactions';
import { CoVisitationModel, type CoVisitationOptions } from '../baselines/co-visitation';
import { PopularityModel } from '../baselines/popularity';

export const offlineFeatureNames = [
  'item.views_total',
  'item.carts_total',
  'item.purchases_total',
  'item.trend',
  'cross.seen_recently',
  'cross.covis_score',
  'cross.covis_last',
  'cross.category_affinity',
  'cross.top_category_affinity',
] as const;
export type OfflineFeatureName = (typeof offlineFeatureNames)[number];

export interface OfflineFeatureOptions {
  /** Co-visitation settings, or an already fitted model on the same interactions. */
  coVisitation?: CoVisitationOptions | CoVisitationModel;
  /** Category path per item id (from the catalogue's item upserts). @default none */
  categories?: ReadonlyMap<string, readonly string[]>;
  /** Share of the training period (by time) counted as "recent" for `item.trend`. @default 0.1 */
  trendShare?: number;
}

interface ItemCounts {
  views: number;
  carts: number;
  purchases: number;
  recent: number;
}

export class OfflineFeatures {
  readonly names: readonly OfflineFeatureName[] = offlineFeatureNames;

  private readonly counts: ReadonlyMap<string, ItemCounts>;
  readonly coVisitation: CoVisitationModel;
  private readonly categories: ReadonlyMap<string, readonly string[]>;
  private readonly trendShare: number;

  private constructor(fitted: {
    counts: ReadonlyMap<string, ItemCounts>;
    coVisitation: CoVisitationModel;
    categories: ReadonlyMap<string, readonly string[]>;
    trendShare: number;
  }) {
    this.counts = fitted.counts;
    this.coVisitation = fitted.coVisitation;
    this.categories = fitted.categories;
    this.trendShare = fitted.trendShare;
  }

  static fit(
    interactions: readonly Interaction[],
    options: OfflineFeatureOptions = {},
  ): OfflineFeatures {
    const coVisitation =
      options.coVisitation instanceof CoVisitationModel
        ? options.coVisitation
        : CoVisitationModel.fit(interactions, {
            ...options.coVisitation,
            popularity: PopularityModel.fit(interactions),
          });
    const trendShare = options.trendShare ?? 0.1;
    const counts = countItems(interactions, trendShare);
    const categories = options.categories ?? new Map<string, readonly string[]>();
    return new OfflineFeatures({ counts, coVisitation, categories, trendShare });
  }

  get popularity(): PopularityModel {
    return this.coVisitation.popularity;
  }

  /** One feature record per candidate, in the candidates' order. */
  featuresFor(
    history: readonly string[],
    itemIds: readonly string[],
  ): Array<Record<string, number>> {
    const votes = this.coVisitation.scoresFor(history);
    const last = history.at(-1);
    const lastVotes =
      last === undefined ? new Map<string, number>() : this.coVisitation.scoresFor([last]);
    const categoryShares = this.categoryShares(history);
    const lastPosition = new Map<string, number>();
    history.forEach((itemId, position) => lastPosition.set(itemId, history.length - 1 - position));
    return itemIds.map((itemId) => {
      const path = this.categories.get(itemId) ?? [];
      const position = lastPosition.get(itemId);
      return {
        ...this.itemRecord(itemId),
        'cross.seen_recently': position === undefined ? 0 : 1 / (1 + position),
        'cross.covis_score': Math.log1p(votes.get(itemId) ?? 0),
        'cross.covis_last': lastVotes.get(itemId) ?? 0,
        'cross.category_affinity': categoryShares.exact.get(path.join('>')) ?? 0,
        'cross.top_category_affinity': categoryShares.top.get(path[0] ?? '') ?? 0,
      };
    });
  }

  private itemRecord(itemId: string): Record<string, number> {
    const counts = this.counts.get(itemId) ?? { views: 0, carts: 0, purchases: 0, recent: 0 };
    return {
      'item.views_total': Math.log1p(counts.views),
      'item.carts_total': Math.log1p(counts.carts),
      'item.purchases_total': Math.log1p(counts.purchases),
      'item.trend': Math.log((counts.recent + 1) / (counts.views * this.trendShare + 1)),
    };
  }

  private categoryShares(history: readonly string[]): {
    exact: Map<string, number>;
    top: Map<string, number>;
  } {
    const exact = new Map<string, number>();
    const top = new Map<string, number>();
    let known = 0;
    for (const itemId of history) {
      const path = this.categories.get(itemId);
      if (path === undefined || path.length === 0) continue;
      known += 1;
      const key = path.join('>');
      exact.set(key, (exact.get(key) ?? 0) + 1);
      top.set(path[0] ?? '', (top.get(path[0] ?? '') ?? 0) + 1);
    }
    for (const shares of [exact, top]) {
      for (const [key, count] of shares) shares.set(key, count / known);
    }
    return { exact, top };
  }
}

function countItems(
  interactions: readonly Interaction[],
  trendShare: number,
): Map<string, ItemCounts> {
  const firstMs = interactions[0]?.timeMs ?? 0;
  const lastMs = interactions.at(-1)?.timeMs ?? 0;
  const recentFromMs = lastMs - (lastMs - firstMs) * trendShare;
  const counts = new Map<string, ItemCounts>();
  for (const interaction of interactions) {
    let entry = counts.get(interaction.itemId);
    if (entry === undefined) {
      entry = { views: 0, carts: 0, purchases: 0, recent: 0 };
      counts.set(interaction.itemId, entry);
    }
    entry.views += 1;
    if (interaction.behaviour === 'cart') entry.carts += 1;
    if (interaction.behaviour === 'purchase') entry.purchases += 1;
    if (interaction.timeMs >= recentFromMs) entry.recent += 1;
  }
  return counts;
}
