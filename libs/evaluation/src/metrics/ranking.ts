/**
 * Ranking metrics for next-item prediction. With one held-out target: HR@K is 1 when the target is in
 * the top K; NDCG@K is 1/log2(rank + 1); MRR@K is 1/rank (both 0 beyond K). With several targets
 * (every later item of the user, say) relevance is binary: HR@K says whether any target is in the top K,
 * NDCG@K is DCG over the ideal DCG of min(K, |targets|) hits, MRR@K is 1/rank of the first target.
 */

export interface RankingMetrics {
  hitRate: number;
  ndcg: number;
  reciprocalRank: number;
}

/** The 1-based rank of `target` in `ranked`, or 0 when absent. */
export function rankOf(ranked: readonly string[], target: string): number {
  return ranked.indexOf(target) + 1;
}

/** Metrics of one ranked list against one target; `rank` 0 means the target was not ranked. */
export function metricsAtRank(rank: number, k: number): RankingMetrics {
  if (rank < 1 || rank > k) return { hitRate: 0, ndcg: 0, reciprocalRank: 0 };
  return { hitRate: 1, ndcg: 1 / Math.log2(rank + 1), reciprocalRank: 1 / rank };
}

export function rankingMetrics(
  ranked: readonly string[],
  target: string,
  k: number,
): RankingMetrics {
  return metricsAtRank(rankOf(ranked.slice(0, k), target), k);
}

export function multiTargetRankingMetrics(
  ranked: readonly string[],
  targets: readonly string[],
  k: number,
): RankingMetrics {
  const relevant = new Set(targets);
  if (relevant.size === 0) return { hitRate: 0, ndcg: 0, reciprocalRank: 0 };
  let dcg = 0;
  let firstRank = 0;
  const seen = new Set<string>();
  ranked.slice(0, k).forEach((itemId, index) => {
    // A list that repeats an item earns for it once.
    if (!relevant.has(itemId) || seen.has(itemId)) return;
    seen.add(itemId);
    dcg += 1 / Math.log2(index + 2);
    if (firstRank === 0) firstRank = index + 1;
  });
  let ideal = 0;
  for (let index = 0; index < Math.min(k, relevant.size); index += 1)
    ideal += 1 / Math.log2(index + 2);
  return {
    hitRate: firstRank > 0 ? 1 : 0,
    ndcg: dcg / ideal,
    reciprocalRank: firstRank > 0 ? 1 / firstRank : 0,
  };
}
