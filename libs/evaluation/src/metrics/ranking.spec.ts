import { metricsAtRank, multiTargetRankingMetrics, rankOf, rankingMetrics } from './ranking';

describe('single-target ranking metrics', () => {
  it('gives full credit at rank 1', () => {
    expect(rankingMetrics(['a', 'b', 'c'], 'a', 10)).toEqual({
      hitRate: 1,
      ndcg: 1,
      reciprocalRank: 1,
    });
  });

  it('discounts by log2(rank + 1) and 1/rank', () => {
    const metrics = rankingMetrics(['a', 'b', 'c'], 'c', 10);
    expect(metrics.hitRate).toBe(1);
    expect(metrics.ndcg).toBeCloseTo(0.5, 12); // 1 / log2(4)
    expect(metrics.reciprocalRank).toBeCloseTo(1 / 3, 12);
  });

  it('gives nothing beyond K or when the target is absent', () => {
    expect(rankingMetrics(['a', 'b', 'c'], 'c', 2)).toEqual({
      hitRate: 0,
      ndcg: 0,
      reciprocalRank: 0,
    });
    expect(rankingMetrics(['a'], 'z', 10)).toEqual({ hitRate: 0, ndcg: 0, reciprocalRank: 0 });
    expect(metricsAtRank(11, 10).hitRate).toBe(0);
    expect(rankOf(['a', 'b'], 'b')).toBe(2);
    expect(rankOf(['a', 'b'], 'z')).toBe(0);
  });
});

describe('multi-target ranking metrics', () => {
  it('normalises DCG by the ideal DCG of the targets', () => {
    const metrics = multiTargetRankingMetrics(['a', 'b', 'c', 'd'], ['b', 'd'], 4);
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(5);
    const ideal = 1 + 1 / Math.log2(3);
    expect(metrics.ndcg).toBeCloseTo(dcg / ideal, 12);
    expect(metrics.hitRate).toBe(1);
    expect(metrics.reciprocalRank).toBe(0.5);
  });

  it('equals the single-target metrics with one target', () => {
    expect(multiTargetRankingMetrics(['a', 'b', 'c'], ['c'], 10)).toEqual(
      rankingMetrics(['a', 'b', 'c'], 'c', 10),
    );
  });

  it('caps the ideal at K and counts a repeated item once', () => {
    const metrics = multiTargetRankingMetrics(['x', 'x'], ['x', 'y', 'z'], 2);
    expect(metrics.ndcg).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 12);
  });
});
