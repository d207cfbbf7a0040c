import { RollingCounter } from './rolling-counter';

const SECOND = 1_000;
const T0 = 1_700_000_000_000; // a whole second

describe('RollingCounter', () => {
  it('sums per key over a span ending now, current bucket included', () => {
    const counter = new RollingCounter({ bucketMs: SECOND, buckets: 60 });
    const now = T0 + 30 * SECOND + 400;
    counter.add({ key: 'view', atMs: T0 + 30 * SECOND + 100, nowMs: now });
    counter.add({ key: 'view', atMs: T0 + 29 * SECOND, nowMs: now, amount: 2 });
    counter.add({ key: 'cart', atMs: T0 + 20 * SECOND, nowMs: now });
    expect(counter.totals(now, 2 * SECOND)).toEqual(new Map([['view', 3]]));
    expect(counter.totals(now, 60 * SECOND)).toEqual(
      new Map([
        ['view', 3],
        ['cart', 1],
      ]),
    );
  });

  it('ignores what is older than the window and counts a future time as now', () => {
    const counter = new RollingCounter({ bucketMs: SECOND, buckets: 10 });
    const now = T0 + 100 * SECOND;
    counter.add({ key: 'old', atMs: now - 10 * SECOND, nowMs: now });
    counter.add({ key: 'edge', atMs: now - 9 * SECOND, nowMs: now });
    counter.add({ key: 'future', atMs: now + 3_600 * SECOND, nowMs: now });
    expect(counter.totals(now, 1 * SECOND)).toEqual(new Map([['future', 1]]));
    expect(counter.totals(now, 60 * SECOND)).toEqual(
      new Map([
        ['edge', 1],
        ['future', 1],
      ]),
    );
  });

  it('forgets buckets as the window slides past them', () => {
    const counter = new RollingCounter({ bucketMs: SECOND, buckets: 5 });
    counter.add({ key: 'a', atMs: T0, nowMs: T0 });
    expect(counter.totals(T0 + 4 * SECOND, 10 * SECOND).get('a')).toBe(1);
    expect(counter.totals(T0 + 5 * SECOND, 10 * SECOND).get('a')).toBeUndefined();
    // The slot is reused by a newer second: the old count does not leak into it.
    counter.add({ key: 'b', atMs: T0 + 5 * SECOND, nowMs: T0 + 5 * SECOND });
    expect(counter.totals(T0 + 5 * SECOND, 10 * SECOND)).toEqual(new Map([['b', 1]]));
  });

  it('builds per-step series that end with the last complete step', () => {
    const counter = new RollingCounter({ bucketMs: SECOND, buckets: 30 });
    const now = T0 + 100 * SECOND + 700; // inside step [100 s, 105 s)
    for (let second = 71; second <= 100; second += 1) {
      counter.add({ key: 'view', atMs: T0 + second * SECOND + 10, nowMs: now });
    }
    counter.add({ key: 'cart', atMs: T0 + 96 * SECOND, nowMs: now, amount: 4 });
    const series = counter.series(now, 5 * SECOND);
    expect(series.stepMs).toBe(5 * SECOND);
    expect(series.startMs).toBe(T0 + 75 * SECOND);
    expect(series.counts.get('view')).toEqual([5, 5, 5, 5, 5]);
    expect(series.counts.get('cart')).toEqual([0, 0, 0, 0, 4]);
  });

  it('rounds a step to whole buckets and stays within the window', () => {
    const counter = new RollingCounter({ bucketMs: 10 * SECOND, buckets: 6 });
    const now = T0 + 600 * SECOND;
    counter.add({ key: 'x', atMs: now - 55 * SECOND, nowMs: now });
    counter.add({ key: 'x', atMs: now - 1 * SECOND, nowMs: now });
    const series = counter.series(now, 7 * SECOND);
    expect(series.stepMs).toBe(10 * SECOND);
    expect(series.startMs).toBe(now - 50 * SECOND);
    expect(series.counts.get('x')).toEqual([0, 0, 0, 0, 1]);
  });

  it('refuses an empty window', () => {
    expect(() => new RollingCounter({ bucketMs: 0, buckets: 5 })).toThrow(RangeError);
  });
});
