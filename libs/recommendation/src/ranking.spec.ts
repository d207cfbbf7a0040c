import { decodeItemFeatures, decodeUserFeatures, featureVectorOf } from '@recsys/features';
import { brokenRanker, FunctionRanker, NOW } from './__fixtures__/shop';
import type { Ranker } from './ranker';
import { orderByScore, rankingCandidatesOf, scoreWithin } from './ranking';
import { emptyStoredUser } from './user-state';

const candidates = [
  { itemId: 'a', features: { x: 1 } },
  { itemId: 'b', features: { x: 2 } },
];

describe('rankingCandidatesOf', () => {
  it('builds each candidate with featureVectorOf, unknown items as empty hashes', () => {
    const user = decodeUserFeatures(emptyStoredUser(), NOW);
    const context = { hourOfDay: 3, dayOfWeek: 2, device: 'mobile' };
    const items = new Map([['a', { 'n:view': '5', cat: 'Books' }]]);
    const [a, ghost] = rankingCandidatesOf(['a', 'ghost'], {
      user,
      userCategories: {},
      context,
      items,
      nowMs: NOW,
    });
    expect(a).toEqual({
      itemId: 'a',
      features: featureVectorOf({
        user,
        userCategories: {},
        item: decodeItemFeatures('a', { 'n:view': '5', cat: 'Books' }, NOW),
        context,
      }),
    });
    expect(ghost?.features['item.views_total']).toBe(0);
  });
});

describe('scoreWithin', () => {
  it('returns the scores when the ranker answers in time', async () => {
    const outcome = await scoreWithin(new FunctionRanker((itemId) => (itemId === 'a' ? 0.5 : 2)), {
      sequence: ['s'],
      candidates,
      timeoutMs: 1000,
    });
    expect(outcome).toEqual({ ok: true, scores: [0.5, 2] });
  });

  it('passes the sequence and candidates through unchanged', async () => {
    const ranker = new FunctionRanker(() => 0);
    await scoreWithin(ranker, { sequence: ['s1', 's2'], candidates, timeoutMs: 1000 });
    expect(ranker.inputs).toEqual([{ sequence: ['s1', 's2'], candidates }]);
  });

  it.each([
    ['throws', 'ranker_error'],
    ['rejects', 'ranker_error'],
    ['short', 'ranker_invalid_output'],
  ] as const)('reports a ranker that %s as %s', async (how, reason) => {
    expect(
      await scoreWithin(brokenRanker(how), { sequence: [], candidates, timeoutMs: 1000 }),
    ).toEqual({ ok: false, reason });
  });

  it('refuses non-finite scores', async () => {
    const ranker: Ranker = {
      kind: 'nan',
      version: '1',
      score: async () => Float32Array.from([Number.NaN, 1]),
    };
    expect(await scoreWithin(ranker, { sequence: [], candidates, timeoutMs: 1000 })).toEqual({
      ok: false,
      reason: 'ranker_invalid_output',
    });
  });

  it('stops waiting at the deadline', async () => {
    jest.useFakeTimers();
    try {
      const pending = scoreWithin(brokenRanker('hangs'), {
        sequence: [],
        candidates,
        timeoutMs: 50,
      });
      await jest.advanceTimersByTimeAsync(50);
      expect(await pending).toEqual({ ok: false, reason: 'ranker_timeout' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not call the ranker after the deadline, nor for no candidates', async () => {
    const ranker = new FunctionRanker(() => 1);
    expect(await scoreWithin(ranker, { sequence: [], candidates, timeoutMs: 0 })).toEqual({
      ok: false,
      reason: 'ranker_timeout',
    });
    expect(await scoreWithin(ranker, { sequence: [], candidates: [], timeoutMs: 10 })).toEqual({
      ok: true,
      scores: [],
    });
    expect(ranker.inputs).toHaveLength(0);
  });
});

describe('orderByScore', () => {
  it('sorts best first and keeps the given order on ties', () => {
    expect(orderByScore(['a', 'b', 'c', 'd'], [1, 3, 1, 2]).map((entry) => entry.entry)).toEqual([
      'b',
      'd',
      'a',
      'c',
    ]);
  });
});
