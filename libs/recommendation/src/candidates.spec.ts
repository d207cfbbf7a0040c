import {
  anchorsOf,
  coVisitationHits,
  explorationHits,
  mergeCandidates,
  popularHits,
  trendingHits,
  type SourceHit,
} from './candidates';
import { defaultRecommendationSettings } from './settings';

const weights = defaultRecommendationSettings.sourceWeights;

describe('anchorsOf', () => {
  it('puts context items first at full weight, then recent items decaying with age', () => {
    const anchors = anchorsOf(['ctx', 'ctx'], ['a', 'ctx', 'b', 'a', 'c'], {
      anchorCount: 2,
      anchorDecay: 0.5,
    });
    expect(anchors).toEqual([
      { itemId: 'ctx', weight: 1 },
      { itemId: 'a', weight: 1 },
      { itemId: 'b', weight: 0.5 },
    ]);
  });

  it('has no anchors without context or history', () => {
    expect(anchorsOf([], [], { anchorCount: 5, anchorDecay: 0.7 })).toEqual([]);
  });
});

describe('coVisitationHits', () => {
  const neighbours = new Map([
    [
      'recent',
      [
        { itemId: 'x', weight: 10 },
        { itemId: 'y', weight: 5 },
        { itemId: 'recent', weight: 99 },
      ],
    ],
    [
      'older',
      [
        { itemId: 'y', weight: 100 },
        { itemId: 'z', weight: 50 },
      ],
    ],
  ]);

  it('scales each anchor by its strongest neighbour and weights it by recency', () => {
    const hits = coVisitationHits(
      [
        { itemId: 'recent', weight: 1 },
        { itemId: 'older', weight: 0.5 },
      ],
      neighbours,
    );
    const byId = new Map(hits.map((hit) => [hit.itemId, hit]));
    // raw: x = 10/99, y = 5/99 + 0.5, z = 0.25; y is the largest.
    expect(byId.get('y')?.score).toBe(1);
    expect(byId.get('z')?.score).toBeCloseTo(0.25 / (5 / 99 + 0.5), 10);
    expect(byId.get('x')?.score).toBeCloseTo(10 / 99 / (5 / 99 + 0.5), 10);
    expect(byId.has('recent')).toBe(false);
  });

  it('names the anchor that contributed most as the evidence', () => {
    const hits = coVisitationHits(
      [
        { itemId: 'recent', weight: 1 },
        { itemId: 'older', weight: 0.5 },
      ],
      neighbours,
    );
    expect(hits.find((hit) => hit.itemId === 'y')?.evidence).toEqual({
      source: 'co_visitation',
      anchorItemId: 'older',
    });
    expect(hits.find((hit) => hit.itemId === 'x')?.evidence).toEqual({
      source: 'co_visitation',
      anchorItemId: 'recent',
    });
  });

  it('ignores anchors without neighbours', () => {
    expect(coVisitationHits([{ itemId: 'none', weight: 1 }], new Map())).toEqual([]);
  });
});

describe('trendingHits', () => {
  const settings = { trendingLimit: 10, trendingMinWeight: 3 };

  it('keeps items whose share today beats their all-time share, strongest growth first', () => {
    const hits = trendingHits(
      {
        popular: [
          { itemId: 'steady', weight: 500 },
          { itemId: 'rising', weight: 100 },
          { itemId: 'other', weight: 400 },
        ],
        today: [
          { itemId: 'steady', weight: 10 },
          { itemId: 'rising', weight: 10 },
          { itemId: 'newcomer', weight: 5 },
        ],
      },
      settings,
    );
    // Shares today: 0.4, 0.4, 0.2; all time: 0.5, 0.1, (floor) 0.1.
    expect(hits.map((hit) => hit.itemId)).toEqual(['rising', 'newcomer']);
    expect(hits[0]).toEqual({
      itemId: 'rising',
      score: 1,
      evidence: { source: 'trending', growth: expect.closeTo(4, 10) },
    });
    expect(hits[1]?.score).toBeCloseTo(0.5, 10);
  });

  it('ignores items below the minimum weight today, and days without data', () => {
    const popular = [{ itemId: 'a', weight: 100 }];
    expect(trendingHits({ popular, today: [{ itemId: 'b', weight: 2 }] }, settings)).toEqual([]);
    expect(trendingHits({ popular, today: [] }, settings)).toEqual([]);
  });

  it('keeps the growth finite when the all-time share vanishes', () => {
    const hits = trendingHits(
      {
        popular: [
          { itemId: 'huge', weight: 1e300 },
          { itemId: 'tiny', weight: 1e-300 },
        ],
        today: [{ itemId: 'tiny', weight: 5 }],
      },
      settings,
    );
    expect(hits).toHaveLength(1);
    expect(Number.isFinite(hits[0]?.score)).toBe(true);
  });
});

describe('popularHits and explorationHits', () => {
  it('scales popularity by the most popular item', () => {
    expect(
      popularHits([
        { itemId: 'a', weight: 8 },
        { itemId: 'b', weight: 2 },
        { itemId: 'c', weight: 0 },
      ]).map((hit) => [hit.itemId, hit.score]),
    ).toEqual([
      ['a', 1],
      ['b', 0.25],
    ]);
  });

  it('scores new items by rank, newest first', () => {
    expect(
      explorationHits([
        { itemId: 'n1', weight: 3 },
        { itemId: 'n2', weight: 2 },
      ]).map((hit) => [hit.itemId, hit.score]),
    ).toEqual([
      ['n1', 1],
      ['n2', 0.5],
    ]);
  });
});

describe('mergeCandidates', () => {
  const hit = (itemId: string, score: number, evidence: SourceHit['evidence']): SourceHit => ({
    itemId,
    score,
    evidence,
  });

  it('joins the sources of one item and sums their weighted scores', () => {
    const [first, second] = mergeCandidates(
      [
        hit('a', 1, { source: 'popular' }),
        hit('a', 0.5, { source: 'co_visitation', anchorItemId: 'x' }),
        hit('b', 1, { source: 'trending', growth: 3 }),
      ],
      weights,
    );
    expect(first?.itemId).toBe('a');
    expect(first?.hits.map((h) => h.evidence.source)).toEqual(['co_visitation', 'popular']);
    expect(first?.sourceScore).toBeCloseTo(1 * 0.5 + 0.3 * 1, 10);
    expect(first?.best.evidence.source).toBe('co_visitation');
    expect(second).toMatchObject({ itemId: 'b', sourceScore: 0.5 });
  });

  it('keeps the strongest hit when one source proposes an item twice', () => {
    const [only] = mergeCandidates(
      [
        hit('a', 0.2, { source: 'category_affinity', category: 'Books' }),
        hit('a', 0.9, { source: 'category_affinity', category: 'Shoes' }),
      ],
      weights,
    );
    expect(only?.hits).toHaveLength(1);
    expect(only?.best.evidence).toEqual({ source: 'category_affinity', category: 'Shoes' });
  });

  it('breaks ties by item id so the order is stable', () => {
    const merged = mergeCandidates(
      [hit('b', 1, { source: 'popular' }), hit('a', 1, { source: 'popular' })],
      weights,
    );
    expect(merged.map((candidate) => candidate.itemId)).toEqual(['a', 'b']);
  });
});
