import { brokenRanker, FunctionRanker, frozenClock, NOW, shop, USER } from './__fixtures__/shop';
import type { Ranker } from './ranker';
import { rerank } from './rerank';
import type { RerankRequest } from './types';

const byIndex = new FunctionRanker((itemId) => -Number(itemId.split('-')[1] ?? 0));

function run(request: Partial<RerankRequest>, ranker: Ranker = byIndex) {
  const reader = shop();
  const result = rerank(
    { userKey: USER, itemIds: [], personalization: true, ...request },
    { reader, ranker, clock: frozenClock },
  );
  return { reader, result };
}

const ids = (items: ReadonlyArray<{ itemId: string }>) => items.map((item) => item.itemId);

describe('rerank', () => {
  it('orders the given items by the ranker scores', async () => {
    const { items, degraded } = await run({ itemIds: ['c3-9', 'c1-2', 'c4-5'] }).result;
    expect(ids(items)).toEqual(['c1-2', 'c4-5', 'c3-9']);
    expect(items.map((item) => [item.rank, item.score])).toEqual([
      [0, -2],
      [1, -5],
      [2, -9],
    ]);
    expect(degraded).toBe(false);
  });

  it('keeps unknown items at the end in their given order', async () => {
    const result = await run({ itemIds: ['zz-1', 'c3-9', 'aa-2', 'c1-2'] }).result;
    expect(ids(result.items)).toEqual(['c1-2', 'c3-9', 'zz-1', 'aa-2']);
    expect(result.items.slice(2).every((item) => item.source === 'unknown_item')).toBe(true);
    expect(result.unknownItems).toBe(2);
  });

  it('returns each item once, at its first place', async () => {
    const { items } = await run({ itemIds: ['c3-9', 'c3-9', 'c1-2', 'zz', 'zz'] }).result;
    expect(ids(items)).toEqual(['c1-2', 'c3-9', 'zz']);
  });

  it('explains items of the user favourite categories', async () => {
    const { items } = await run({ itemIds: ['c0-3', 'c2-1'] }).result;
    expect(items).toEqual([
      { itemId: 'c2-1', rank: 0, score: -1, source: 'rerank' },
      {
        itemId: 'c0-3',
        rank: 1,
        score: -3,
        source: 'rerank',
        explanation: 'Matches your interest in Trail',
      },
    ]);
  });

  it('keeps the given order when the ranker fails, unscored and not personalised, and says so', async () => {
    const result = await run({ itemIds: ['c3-9', 'zz', 'c1-2'] }, brokenRanker('rejects')).result;
    expect(ids(result.items)).toEqual(['c3-9', 'c1-2', 'zz']);
    expect(result.items.map((item) => item.score)).toEqual([0, 0, 0]);
    expect(result).toMatchObject({
      personalized: false,
      degraded: true,
      degradedReason: 'ranker_error',
      rankedBy: { kind: 'source_score', version: 'fallback' },
    });
  });

  it('without a model: the given order, unscored, degraded no_model, nothing of the user read', async () => {
    const reader = shop();
    const result = await rerank(
      { userKey: USER, itemIds: ['c3-9', 'zz', 'c1-2'], personalization: true },
      { reader, ranker: undefined, clock: frozenClock },
    );
    expect(ids(result.items)).toEqual(['c3-9', 'c1-2', 'zz']);
    expect(result.items.map((item) => item.score)).toEqual([0, 0, 0]);
    expect(result).toMatchObject({
      personalized: false,
      degraded: true,
      degradedReason: 'no_model',
      rankedBy: { kind: 'source_score', version: 'fallback' },
    });
    expect(reader.calls.map((call) => call.method)).toEqual(['readItems']);
  });

  it('falls back when the deadline passes', async () => {
    const result = await run(
      { itemIds: ['c3-9', 'c1-2'], deadlineMs: NOW + 10 },
      brokenRanker('hangs'),
    ).result;
    expect(ids(result.items)).toEqual(['c3-9', 'c1-2']);
    expect(result.degradedReason).toBe('ranker_timeout');
  });

  it('reads the user and the items in one stage, and no user data after an opt-out', async () => {
    const personal = run({ itemIds: ['c1-2'] });
    expect((await personal.result).personalized).toBe(true);
    expect(personal.reader.calls.map((call) => call.method)).toEqual(['readUser', 'readItems']);
    const optedOut = run({ itemIds: ['c0-3'], personalization: false });
    const result = await optedOut.result;
    expect(optedOut.reader.calls.map((call) => call.method)).toEqual(['readItems']);
    expect(result.personalized).toBe(false);
    expect(result.items[0]?.explanation).toBeUndefined();
  });

  it('accepts an empty list and refuses more than 1000 items', async () => {
    expect((await run({ itemIds: [] }).result).items).toEqual([]);
    const tooMany = Array.from({ length: 1001 }, (_, index) => `i-${index}`);
    await expect(run({ itemIds: tooMany }).result).rejects.toThrow(RangeError);
  });
});
