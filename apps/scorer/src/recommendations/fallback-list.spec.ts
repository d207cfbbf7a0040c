import { AppError } from '@recsys/contracts';
import type { RecommendedItem } from '@recsys/recommendation';
import { FallbackList } from './fallback-list';

const item = (itemId: string, rank: number): RecommendedItem => ({
  itemId,
  rank,
  score: 1 - rank / 10,
  source: 'popular',
  explanation: 'Popular right now',
});

function listReading(results: Array<RecommendedItem[] | Error>) {
  const log = jest.fn();
  const load = jest.fn(async () => {
    const next = results.shift();
    if (next instanceof Error) throw next;
    return next ?? [];
  });
  return { list: new FallbackList({ load, refreshMs: 1_000, log }), load, log };
}

describe('FallbackList', () => {
  it('has nothing to serve before the first read', () => {
    const { list } = listReading([]);
    expect(list.pick(10, new Set())).toBeUndefined();
  });

  it('serves the last list read, without excluded items, ranked from 0', async () => {
    const { list } = listReading([[item('a', 0), item('b', 1), item('c', 2)]]);
    await list.refresh();
    expect(list.pick(2, new Set(['a']))).toEqual([
      { ...item('b', 1), rank: 0 },
      { ...item('c', 2), rank: 1 },
    ]);
  });

  it('keeps the previous list while Redis is down, and says so once per outage', async () => {
    const down = new AppError('REDIS_UNAVAILABLE', 'connection refused');
    const { list, log } = listReading([[item('a', 0)], down, down, [item('z', 0)]]);
    await list.refresh();
    expect(await list.refresh()).toBe(false);
    expect(await list.refresh()).toBe(false);
    expect(list.pick(10, new Set())?.map((entry) => entry.itemId)).toEqual(['a']);
    expect(log).toHaveBeenCalledTimes(1);
    await list.refresh();
    expect(list.pick(10, new Set())?.map((entry) => entry.itemId)).toEqual(['z']);
  });

  it('gives up a read that hangs after the refresh interval, so the next one can start', async () => {
    jest.useFakeTimers();
    try {
      const load = jest.fn(() => new Promise<RecommendedItem[]>(() => undefined));
      const list = new FallbackList({ load, refreshMs: 1_000, log: jest.fn() });
      const first = list.refresh();
      expect(await list.refresh()).toBe(false);
      await jest.advanceTimersByTimeAsync(1_000);
      await expect(first).resolves.toBe(false);
      void list.refresh();
      expect(load).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
