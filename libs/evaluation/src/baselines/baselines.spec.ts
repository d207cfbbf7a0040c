import { sortByTime, type Interaction } from '../interactions';
import { aStream, anInteraction } from '../test-interactions';
import { CoVisitationModel, recentDistinct } from './co-visitation';
import { topIndices } from './full-ranker';
import { ImplicitAlsModel } from './implicit-als';
import { solveSymmetric } from './linear-algebra';
import { PopularityModel } from './popularity';

const candidates = (...itemIds: string[]) => itemIds.map((itemId) => ({ itemId, features: {} }));

describe('PopularityModel', () => {
  const train = [
    anInteraction('u1', 'a', { timeMs: 0 }),
    anInteraction('u2', 'a', { timeMs: 0 }),
    anInteraction('u1', 'b', { timeMs: 100, behaviour: 'purchase', weight: 5 }),
    anInteraction('u3', 'c', { timeMs: 100 }),
  ];

  it('ranks by weighted count, ties by item id', () => {
    const model = PopularityModel.fit(train);
    expect(model.ranking).toEqual(['b', 'a', 'c']);
    expect(model.recommend([], 2)).toEqual(['b', 'a']);
    expect(model.recommend([], 5, new Set(['b']))).toEqual(['a', 'c']);
    expect(PopularityModel.fit(train, { weighted: false }).ranking).toEqual(['a', 'b', 'c']);
  });

  it('decays old interactions by their half-life', () => {
    const model = PopularityModel.fit(train, { halfLifeMs: 100, weighted: false });
    expect(model.countOf('a')).toBeCloseTo(1, 12); // two interactions, one half-life old
    expect(model.countOf('c')).toBe(1);
    expect(model.countOf('zzz')).toBe(0);
  });

  it('scores candidates by log1p of the count', async () => {
    const scores = await PopularityModel.fit(train).score({
      sequence: [],
      candidates: candidates('a', 'zzz'),
    });
    expect(Array.from(scores)).toEqual([Math.fround(Math.log1p(2)), 0]);
  });
});

describe('CoVisitationModel', () => {
  // a→b is the strong pattern; c and d are popular but never next to a.
  const train: Interaction[] = sortByTime([
    ...aStream('u1', ['a', 'b']),
    ...aStream('u2', ['a', 'b'], { startMs: 10 }),
    ...aStream('u3', ['a', 'e'], { startMs: 20 }),
    ...aStream('u4', ['c', 'd', 'c', 'd'], { startMs: 30 }),
    ...aStream('u5', ['c', 'd'], { startMs: 40 }),
  ]);

  it('makes items seen together neighbours, with cosine-like similarity', () => {
    const model = CoVisitationModel.fit(train);
    const neighbours = model.neighboursOf('a');
    expect(neighbours.map((entry) => entry.itemId)).toEqual(['b', 'e']);
    // c(a,b) = 2 pairs at distance 1; n(a) = 3, n(b) = 2.
    expect(neighbours[0]?.similarity).toBeCloseTo(2 / Math.sqrt(3 * 2), 6);
  });

  it('recommends neighbours first, then popular items as the fallback', () => {
    const model = CoVisitationModel.fit(train);
    expect(model.recommend(['a'], 4, new Set(['a']))).toEqual(['b', 'e', 'c', 'd']);
    expect(model.recommend(['zzz'], 2)).toEqual(model.popularity.recommend([], 2));
  });

  it('weights history items by recency', () => {
    const model = CoVisitationModel.fit(train, { historyDecay: 0.3 });
    const afterC = model.recommend(['a', 'c'], 1);
    const afterA = model.recommend(['c', 'a'], 1);
    expect(afterC).toEqual(['d']);
    expect(afterA).toEqual(['b']);
  });

  it('scores candidates in the order it recommends them', async () => {
    const model = CoVisitationModel.fit(train);
    const ranked = model.recommend(['a'], 5);
    const scores = await model.score({ sequence: ['a'], candidates: candidates(...ranked) });
    const sorted = [...scores].sort((left, right) => right - left);
    expect(Array.from(scores)).toEqual(sorted);
    expect(new Set(scores).size).toBe(scores.length);
  });

  it('keeps pairs within a session when a session gap is set', () => {
    const spread = [
      anInteraction('u1', 'a', { timeMs: 0 }),
      anInteraction('u1', 'b', { timeMs: 10_000 }),
    ];
    expect(CoVisitationModel.fit(spread).neighboursOf('a')).toHaveLength(1);
    expect(CoVisitationModel.fit(spread, { sessionGapMs: 1000 }).neighboursOf('a')).toHaveLength(0);
  });

  it('lists the recent distinct items, most recent first', () => {
    expect(recentDistinct(['a', 'b', 'a', 'c'], 2)).toEqual(['c', 'a']);
  });
});

describe('ImplicitAlsModel', () => {
  // Two taste groups: users 0-9 touch items g1-*, users 10-19 items g2-*.
  const train = sortByTime(
    Array.from({ length: 20 }, (_, user) => {
      const group = user < 10 ? 'g1' : 'g2';
      const items = [0, 1, 2, 3]
        .filter((item) => (item + user) % 4 !== 0)
        .map((item) => `${group}-${item}`);
      return aStream(`u${user}`, items, { startMs: user * 10 });
    }).flat(),
  );

  it('recommends from the taste group of the folded-in history', () => {
    const model = ImplicitAlsModel.fit(train, { factors: 4, iterations: 8 });
    const forGroup1 = model.recommend(['g1-0', 'g1-1'], 2, new Set(['g1-0', 'g1-1']));
    const forGroup2 = model.recommend(['g2-3'], 3, new Set(['g2-3']));
    expect(forGroup1.every((itemId) => itemId.startsWith('g1-'))).toBe(true);
    expect(forGroup2.every((itemId) => itemId.startsWith('g2-'))).toBe(true);
  });

  it('scores unknown items below known ones and is deterministic for a seed', async () => {
    const first = ImplicitAlsModel.fit(train, { factors: 4, iterations: 3, seed: 2 });
    const again = ImplicitAlsModel.fit(train, { factors: 4, iterations: 3, seed: 2 });
    const input = { sequence: ['g1-0'], candidates: candidates('g1-1', 'nope') };
    const scores = await first.score(input);
    expect(scores[0]!).toBeGreaterThan(scores[1]!);
    expect(await again.score(input)).toEqual(scores);
  });
});

describe('helpers', () => {
  it('picks the top indices, ties to the lower index, skipping NaN and excluded', () => {
    expect(topIndices([0.1, 0.5, 0.5, Number.NaN, 0.9], 3)).toEqual([4, 1, 2]);
    expect(topIndices([3, 2, 1], 2, (index) => index === 0)).toEqual([1, 2]);
  });

  it('solves a symmetric positive-definite system', () => {
    const x = solveSymmetric(Float64Array.from([4, 2, 2, 3]), [2, 5]);
    // [[4,2],[2,3]] x = [2,5] → x = [-0.5, 2].
    expect(x[0]).toBeCloseTo(-0.5, 12);
    expect(x[1]).toBeCloseTo(2, 12);
  });
});
