import { decodeItemFeatures, decodeUserFeatures, featureVectorOf } from '@recsys/features';
import {
  CATEGORIES,
  FunctionRanker,
  NOW,
  USER,
  activeUser,
  brokenRanker,
  frozenClock,
  itemHash,
  itemIdOf,
  recentItems,
  shop,
} from './__fixtures__/shop';
import type { InMemoryRecommendationReader } from './in-memory-reader';
import type { Ranker } from './ranker';
import { recommend } from './recommend';
import { recommendationSettingsOf, type RecommendationSettingsInput } from './settings';
import type { RecommendRequest } from './types';

/** Ranks by the item's position in the popular list: c*-0 best. */
const byPopularity = new FunctionRanker((itemId) => -Number(itemId.split('-')[1] ?? 1000));

function run(
  request: Partial<RecommendRequest>,
  options: {
    reader?: InMemoryRecommendationReader;
    ranker?: Ranker;
    settings?: RecommendationSettingsInput;
  } = {},
) {
  const reader = options.reader ?? shop();
  const result = recommend(
    { userKey: USER, k: 10, personalization: true, seed: 'req-1', ...request },
    {
      reader,
      ranker: options.ranker ?? byPopularity,
      clock: frozenClock,
      settings: recommendationSettingsOf({ explorationShare: 0, ...options.settings }),
    },
  );
  return { reader, result };
}

const ids = (items: ReadonlyArray<{ itemId: string }>) => items.map((item) => item.itemId);

describe('recommend: candidate generation', () => {
  it('considers at least 100 candidates by default and at most maxCandidates', async () => {
    const { result } = run({});
    expect((await result).candidatesConsidered).toBe(200);
    expect((await result).candidatesGenerated).toBeGreaterThan(200);
    const small = await run({}, { settings: { maxCandidates: 120 } }).result;
    expect(small.candidatesConsidered).toBe(120);
  });

  it('gets co-visitation neighbours of the recent items, named after the anchor', async () => {
    const ranker = new FunctionRanker((itemId) => (itemId.startsWith('cv-') ? 1 : 0));
    const { items } = await run({}, { ranker }).result;
    const covisited = items.filter((item) => item.source === 'co_visitation');
    expect(ids(covisited).sort()).toEqual(['cv-1', 'cv-2', 'cv-3']);
    expect(covisited.find((item) => item.itemId === 'cv-1')?.explanation).toBe(
      'Viewed together with Trail 50',
    );
    expect(covisited.find((item) => item.itemId === 'cv-3')?.explanation).toBe(
      'Viewed together with Fiction 50',
    );
  });

  it('orders co-visitation candidates by anchor recency and pair weight in the fallback order', async () => {
    const { items } = await run({}, { ranker: brokenRanker('throws') }).result;
    const order = ids(items);
    // cv-1: the strongest neighbour of the newest item (1); cv-3: the strongest of the second (0.7);
    // cv-2: a third of cv-1's weight on the newest item (0.33).
    expect(order.indexOf('cv-1')).toBeLessThan(order.indexOf('cv-3'));
    expect(order.indexOf('cv-3')).toBeLessThan(order.indexOf('cv-2'));
  });

  it('finds popular items of the user top categories and trending items', async () => {
    const ranker = new FunctionRanker((itemId) =>
      itemId === 'trend-1' ? 100 : itemId.startsWith('c0-') ? 50 - Number(itemId.slice(3)) : 0,
    );
    const { items } = await run({}, { ranker, settings: { maxCategoryShare: 1 } }).result;
    expect(items[0]).toMatchObject({
      itemId: 'trend-1',
      source: 'trending',
      explanation: 'Trending today',
    });
    expect(items[1]).toMatchObject({
      itemId: 'c0-0',
      source: 'category_affinity',
      explanation: 'Popular in Trail',
    });
  });

  it('merges an item found by several sources into one candidate', async () => {
    const ranker = new FunctionRanker(() => 0);
    const reader = shop().addCoVisitation(recentItems[0]!, itemIdOf(0, 1), 100);
    const { items } = await run({ k: 100 }, { reader, ranker, settings: { maxCategoryShare: 1 } })
      .result;
    expect(ids(items).filter((itemId) => itemId === itemIdOf(0, 1))).toHaveLength(1);
    expect(new Set(ids(items)).size).toBe(items.length);
  });

  it('reads in three stages: user and lists, neighbours, items', async () => {
    const { reader, result } = run({ context: { itemIds: ['c3-3'] } });
    await result;
    expect(reader.calls.map((call) => call.method)).toEqual([
      'readUser',
      'readShownCounts',
      'readPurchased',
      'readLists',
      'readNeighbours',
      'readCategoryPopular',
      'readItems',
    ]);
    expect(reader.calls[4]).toMatchObject({ itemIds: ['c3-3', ...recentItems, itemIdOf(2, 40)] });
    expect(reader.calls[5]).toMatchObject({ categories: ['Shoes > Trail', 'Books > Fiction'] });
  });

  it('takes category candidates from the store per-category lists when it has them', async () => {
    const settings = { popularLimit: 10 };
    const ranker = new FunctionRanker(() => 0);
    const withLists = await run({ k: 100 }, { ranker, settings }).result;
    expect(withLists.candidatesGenerated).toBeGreaterThan(50);
    const derivedOnly = await run(
      { k: 100 },
      { reader: shop({ categoryLists: false }), ranker, settings },
    ).result;
    // Without the lists only the 10 popular items can be grouped by category.
    expect(derivedOnly.candidatesGenerated).toBeLessThan(25);
    const c0 = (result: typeof withLists) => result.items.filter((item) => item.itemId === 'c0-20');
    expect(c0(withLists)).toMatchObject([{ source: 'category_affinity' }]);
    expect(c0(derivedOnly)).toEqual([]);
  });
});

describe('recommend: ranking', () => {
  it('orders by the ranker scores and reports its version', async () => {
    const ranker = new FunctionRanker((itemId) =>
      itemId.startsWith('c4-') ? 10 - Number(itemId.slice(3)) : -1,
    );
    const result = await run({ k: 3 }, { ranker, settings: { maxCategoryShare: 1 } }).result;
    expect(ids(result.items)).toEqual(['c4-0', 'c4-1', 'c4-2']);
    expect(result.items.map((item) => item.score)).toEqual([10, 9, 8]);
    expect(result.items.map((item) => item.rank)).toEqual([0, 1, 2]);
    expect(result).toMatchObject({ degraded: false, rankedBy: { kind: 'test', version: 'fn@1' } });
  });

  it('gives the ranker the training feature vector and the sequence most recent last', async () => {
    const ranker = new FunctionRanker(() => 0);
    await run({}, { ranker }).result;
    const input = ranker.inputs[0]!;
    expect(input.sequence).toEqual([itemIdOf(2, 40), itemIdOf(1, 50), itemIdOf(0, 50)]);
    const candidate = input.candidates.find((c) => c.itemId === 'c0-0')!;
    const expected = featureVectorOf({
      user: decodeUserFeatures(activeUser, NOW),
      userCategories: activeUser.categoryAffinity,
      item: decodeItemFeatures('c0-0', itemHash('Shoes > Trail', 'Trail 0'), NOW),
      context: { hourOfDay: 12, dayOfWeek: 6, device: 'other' },
    });
    expect(candidate.features).toEqual(expected);
    expect(candidate.features['cross.top_category_affinity']).toBeCloseTo(10 / 12, 10);
  });

  it.each(['throws', 'rejects', 'short'] as const)(
    'falls back to the source-score order when the ranker %s',
    async (how) => {
      const result = await run({}, { ranker: brokenRanker(how) }).result;
      expect(result.degraded).toBe(true);
      expect(result.degradedReason).toBe(
        how === 'short' ? 'ranker_invalid_output' : 'ranker_error',
      );
      expect(result.rankedBy).toEqual({ kind: 'source_score', version: 'fallback' });
      expect(result.items).toHaveLength(10);
      const scores = result.items.map((item) => item.score);
      expect(scores[0]).toBe(Math.max(...scores));
    },
  );

  it('falls back when the ranker misses the deadline', async () => {
    const result = await run({ deadlineMs: NOW + 20 }, { ranker: brokenRanker('hangs') }).result;
    expect(result).toMatchObject({ degraded: true, degradedReason: 'ranker_timeout' });
    expect(result.items.length).toBe(10);
  });

  it('does not call the ranker when the deadline has already passed', async () => {
    const ranker = new FunctionRanker(() => 1);
    const result = await run({ deadlineMs: NOW - 1 }, { ranker }).result;
    expect(ranker.inputs).toHaveLength(0);
    expect(result.degradedReason).toBe('ranker_timeout');
  });
});

describe('recommend: filters', () => {
  const top = new FunctionRanker((itemId) =>
    itemId.startsWith('c5-') ? 100 - Number(itemId.slice(3)) : 0,
  );
  const settings = { maxCategoryShare: 1 };

  it('drops purchased items unless their category is repurchasable', async () => {
    const reader = shop().recordPurchase(USER, 'c5-0');
    const result = await run({}, { reader, ranker: top, settings }).result;
    expect(ids(result.items)).not.toContain('c5-0');
    expect(result.filtered.purchased).toBe(1);
    const again = shop().recordPurchase(USER, 'c5-0');
    const repurchasable = await run(
      {},
      { reader: again, ranker: top, settings: { ...settings, repurchasableCategories: ['Audio'] } },
    ).result;
    expect(ids(repurchasable.items)[0]).toBe('c5-0');
  });

  it('drops out-of-stock and discontinued items, keeps preorders', async () => {
    const reader = shop()
      .setItem('c5-0', itemHash(CATEGORIES[5], 'Gone', { avail: 'out_of_stock' }))
      .setItem('c5-1', itemHash(CATEGORIES[5], 'Old', { avail: 'discontinued' }))
      .setItem('c5-2', itemHash(CATEGORIES[5], 'Soon', { avail: 'preorder' }));
    const result = await run({}, { reader, ranker: top, settings }).result;
    expect(ids(result.items).slice(0, 2)).toEqual(['c5-2', 'c5-3']);
    expect(result.filtered.unavailable).toBe(2);
  });

  it('drops items shown N times without a click, keeps clicked ones', async () => {
    const reader = shop()
      .recordShown(USER, ['c5-0', 'c5-0', 'c5-0', 'c5-1', 'c5-1', 'c5-1', 'c5-2', 'c5-2'])
      .recordClick(USER, 'c5-1');
    const result = await run({}, { reader, ranker: top, settings }).result;
    expect(ids(result.items).slice(0, 3)).toEqual(['c5-1', 'c5-2', 'c5-3']);
    const stricter = await run(
      {},
      { reader, ranker: top, settings: { ...settings, maxShownWithoutClick: 2 } },
    ).result;
    expect(ids(stricter.items).slice(0, 2)).toEqual(['c5-1', 'c5-3']);
  });

  it('drops the request exclude list and the context items', async () => {
    const result = await run(
      { exclude: ['c5-0'], context: { itemIds: ['c5-1'] } },
      { ranker: top, settings },
    ).result;
    expect(ids(result.items).slice(0, 2)).toEqual(['c5-2', 'c5-3']);
    expect(result.filtered).toMatchObject({ excluded: 1, context_item: 1 });
  });

  it('drops items the store knows nothing about', async () => {
    const reader = shop().addCoVisitation(recentItems[0]!, 'ghost', 1000);
    const result = await run({}, { reader, ranker: new FunctionRanker(() => 1) }).result;
    expect(ids(result.items)).not.toContain('ghost');
    expect(result.filtered.unknown_item).toBe(1);
  });
});

describe('recommend: diversity and exploration', () => {
  it('caps items per top-level category and keeps the top item', async () => {
    const ranker = new FunctionRanker((itemId) =>
      itemId.startsWith('c5-') ? 100 - Number(itemId.slice(3)) : 0,
    );
    const { items } = await run({}, { ranker }).result;
    expect(items[0]?.itemId).toBe('c5-0');
    expect(
      items.filter((item) => item.itemId.startsWith('c5-') || item.itemId.startsWith('cv-')),
    ).toHaveLength(3);
    expect(items).toHaveLength(10);
  });

  it('reserves a share of the slots for new arrivals, the same for the same seed', async () => {
    const settings = { explorationShare: 0.2 };
    const ranker = new FunctionRanker((itemId) => (itemId.startsWith('new-') ? -1000 : 0));
    const first = await run({ seed: 'abc' }, { ranker, settings }).result;
    const again = await run({ seed: 'abc' }, { ranker, settings }).result;
    const explored = first.items.filter((item) => item.source === 'exploration');
    expect(explored).toHaveLength(2);
    expect(explored.every((item) => item.explanation === 'New arrival' && item.rank > 0)).toBe(
      true,
    );
    expect(first.items).toHaveLength(10);
    expect(again.items).toEqual(first.items);
  });

  it('gives no slot to exploration when its share is 0', async () => {
    const ranker = new FunctionRanker((itemId) => (itemId.startsWith('new-') ? -1000 : 0));
    const { items } = await run({}, { ranker, settings: { explorationShare: 0 } }).result;
    expect(items.some((item) => item.source === 'exploration')).toBe(false);
  });
});

describe('recommend: cold start and consent', () => {
  it('gives a new user a non-personalised, diversified list of popular and trending items', async () => {
    const { result } = run({ userKey: 'u_new' }, { ranker: brokenRanker('throws') });
    const { items, personalized } = await result;
    expect(personalized).toBe(false);
    expect(items).toHaveLength(10);
    expect(new Set(items.map((item) => item.source))).toEqual(new Set(['trending', 'popular']));
    expect(items.find((item) => item.source === 'popular')?.explanation).toBe('Popular right now');
  });

  it('uses the context category for a new user', async () => {
    const { items } = await run(
      { userKey: 'u_new', context: { categoryPath: ['Kitchen', 'Coffee'] } },
      { ranker: brokenRanker('throws') },
    ).result;
    expect(items[0]).toMatchObject({
      itemId: 'c2-0',
      source: 'context_category',
      explanation: 'Popular in Coffee',
    });
  });

  it('never reads any data of a user who opted out', async () => {
    const { reader, result } = run({ personalization: false, context: { itemIds: ['c0-50'] } });
    const response = await result;
    expect(response.personalized).toBe(false);
    expect(response.items).toHaveLength(10);
    const methods = reader.calls.map((call) => call.method);
    expect(methods).not.toContain('readUser');
    expect(methods).not.toContain('readShownCounts');
    expect(methods).not.toContain('readPurchased');
    expect(methods).toEqual(['readLists', 'readNeighbours', 'readItems']);
  });

  it('serves an anonymous request without a user key in two read stages', async () => {
    const { reader, result } = run({ userKey: undefined });
    expect((await result).personalized).toBe(false);
    expect(reader.calls.map((call) => call.method)).toEqual(['readLists', 'readItems']);
  });

  it('personalises a user with history', async () => {
    expect((await run({}).result).personalized).toBe(true);
  });
});

describe('recommend: input checks and timings', () => {
  it.each([0, 101, 2.5])('refuses k = %s', async (k) => {
    await expect(run({ k }).result).rejects.toThrow(RangeError);
  });

  it('reports stage timings by the injected clock', async () => {
    let now = NOW;
    const clock = { now: () => (now += 5) };
    const result = await recommend(
      { userKey: USER, k: 5, personalization: true, seed: 's' },
      { reader: shop(), ranker: byPopularity, clock },
    );
    expect(result.timings).toEqual({
      userAndListsMs: 5,
      neighboursMs: 5,
      itemsMs: 5,
      rankMs: expect.any(Number),
      totalMs: expect.any(Number),
    });
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(20);
  });
});
