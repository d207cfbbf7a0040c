import { sortByTime } from '../interactions';
import { aStream, anInteraction } from '../test-interactions';
import { OfflineFeatures, offlineFeatureNames } from './offline-features';

describe('OfflineFeatures', () => {
  const train = sortByTime([
    ...aStream('u1', ['a', 'b'], { startMs: 0 }),
    ...aStream('u2', ['a', 'b'], { startMs: 10 }),
    anInteraction('u3', 'c', { timeMs: 95, behaviour: 'purchase', weight: 5 }),
    anInteraction('u3', 'c', { timeMs: 100, behaviour: 'cart', weight: 3 }),
  ]);
  const categories = new Map<string, readonly string[]>([
    ['a', ['Shoes', 'Running']],
    ['b', ['Shoes', 'Running']],
    ['c', ['Shoes', 'Trail']],
  ]);

  it('gives every candidate every offline feature, in the candidates order', () => {
    const features = OfflineFeatures.fit(train, { categories });
    const records = features.featuresFor(['a'], ['b', 'c', 'unknown']);
    expect(records).toHaveLength(3);
    for (const record of records)
      expect(Object.keys(record).sort()).toEqual([...offlineFeatureNames].sort());
  });

  it('computes counts, trend, recency, co-visitation and category shares from training data', () => {
    const features = OfflineFeatures.fit(train, { categories, trendShare: 0.1 });
    const [b, c] = features.featuresFor(['c', 'a'], ['b', 'c']);
    expect(b!['item.views_total']).toBeCloseTo(Math.log1p(2), 12);
    expect(b!['cross.covis_score']).toBeGreaterThan(0);
    expect(b!['cross.seen_recently']).toBe(0);
    // History c (Shoes>Trail) then a (Shoes>Running): half of it in b's exact path, all in its top level.
    expect(b!['cross.category_affinity']).toBe(0.5);
    expect(b!['cross.top_category_affinity']).toBe(1);
    expect(c!['item.purchases_total']).toBeCloseTo(Math.log1p(1), 12);
    expect(c!['item.carts_total']).toBeCloseTo(Math.log1p(1), 12);
    // Both of c's interactions fall in the last 10% of [0, 100]: log((2 + 1) / (2 × 0.1 + 1)).
    expect(c!['item.trend']).toBeCloseTo(Math.log(3 / 1.2), 12);
    expect(c!['cross.seen_recently']).toBe(0.5);
  });

  it('gives zeros for unknown items and datasets without categories', () => {
    const features = OfflineFeatures.fit(train);
    const [unknown] = features.featuresFor(['a'], ['zzz']);
    expect(unknown).toMatchObject({
      'item.views_total': 0,
      'cross.covis_score': 0,
      'cross.category_affinity': 0,
      'item.trend': 0,
    });
  });
});
