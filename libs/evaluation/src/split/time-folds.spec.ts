import { timeBlockBoundaries, timeBlockedFolds } from './time-folds';

const tenEvents = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((timeMs) => ({ timeMs }));
const times = (items: Array<{ timeMs: number }>) => items.map((item) => item.timeMs);

describe('timeBlockedFolds', () => {
  it('trains each fold on every earlier block and tests on the next one', () => {
    const folds = timeBlockedFolds(tenEvents, { folds: 4 });
    expect(folds.map((fold) => [times(fold.train), times(fold.test)])).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [1, 2, 3, 4],
        [5, 6],
      ],
      [
        [1, 2, 3, 4, 5, 6],
        [7, 8],
      ],
      [
        [1, 2, 3, 4, 5, 6, 7, 8],
        [9, 10],
      ],
    ]);
  });

  it('never trains on the test block or after it', () => {
    for (const fold of timeBlockedFolds(tenEvents, { folds: 3 })) {
      expect(Math.max(...times(fold.train))).toBeLessThan(Math.min(...times(fold.test)));
      expect(
        fold.test.every((item) => item.timeMs >= fold.testFromMs && item.timeMs < fold.testUntilMs),
      ).toBe(true);
    }
  });

  it('puts the last block up to +∞ and refuses zero folds', () => {
    expect(timeBlockBoundaries(tenEvents, 2)).toEqual([
      Number.NEGATIVE_INFINITY,
      6,
      Number.POSITIVE_INFINITY,
    ]);
    expect(() => timeBlockedFolds(tenEvents, { folds: 0 })).toThrow(RangeError);
  });
});
