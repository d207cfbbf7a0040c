/**
 * Rankers that need no trained model: what an A/B arm can serve as its strategy, and what every
 * request gets while no model has been trained yet.
 */
import type { Ranker, RankingInput } from '@recsys/recommendation';

/**
 * Keeps the candidate sources' blended order (co-visitation of recent items first, then category,
 * trending, popular): the candidates arrive in that order and equal scores keep it.
 */
export const sourceOrderRanker: Ranker = {
  kind: 'co_visitation',
  version: 'sources-v1',
  score: async (input: RankingInput) =>
    Float32Array.from(input.candidates, (_, index) => 1 - index / (input.candidates.length + 1)),
};

/** Most viewed and bought first, from the candidates' own item features. */
export const popularityRanker: Ranker = {
  kind: 'popularity',
  version: 'popularity-v1',
  score: async (input: RankingInput) =>
    Float32Array.from(input.candidates, ({ features }) => {
      const views = features['item.views_total'] ?? 0;
      const purchases = features['item.purchases_total'] ?? 0;
      return views + 2 * purchases;
    }),
};
