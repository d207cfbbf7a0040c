import { buildEvaluationCases } from '../cases';
import { sortByTime, type Interaction } from '../interactions';
import { seededUniform } from '../random';
import { anInteraction } from '../test-interactions';
import { cutInstantOf, timeSplit } from './time-split';

function randomStream(seed: number): Interaction[] {
  const uniform = seededUniform(seed);
  const interactions = Array.from({ length: 600 }, () =>
    anInteraction(`u${Math.floor(uniform() * 12)}`, `i${Math.floor(uniform() * 40)}`, {
      // Coarse instants, so many interactions share one (as a multi-line order does).
      timeMs: Math.floor(uniform() * 200) * 1000,
      behaviour: uniform() < 0.2 ? 'purchase' : 'view',
    }),
  );
  return sortByTime(interactions);
}

describe('timeSplit', () => {
  it('cuts at a quantile of event time without splitting an instant', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((timeMs) => ({ timeMs }));
    expect(cutInstantOf(items, { quantile: 0.8 })).toBe(9);
    const split = timeSplit(items, { quantile: 0.8 });
    expect(split.train.map((item) => item.timeMs)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(split.test.map((item) => item.timeMs)).toEqual([9, 10]);
    const tied = timeSplit([{ timeMs: 1 }, { timeMs: 2 }, { timeMs: 2 }, { timeMs: 2 }], {
      quantile: 0.5,
    });
    expect(tied.train).toHaveLength(1);
  });

  it('cuts at an explicit instant', () => {
    const split = timeSplit([{ timeMs: 1 }, { timeMs: 5 }, { timeMs: 9 }], { atMs: 5 });
    expect(split.cutMs).toBe(5);
    expect(split.train).toEqual([{ timeMs: 1 }]);
    expect(split.test).toEqual([{ timeMs: 5 }, { timeMs: 9 }]);
  });

  it('refuses quantiles outside (0, 1) and empty streams', () => {
    expect(() => cutInstantOf([{ timeMs: 1 }], { quantile: 1 })).toThrow(RangeError);
    expect(() => cutInstantOf([], { quantile: 0.5 })).toThrow(RangeError);
  });
});

describe('no leakage between the periods', () => {
  it.each([1, 2, 3])('test cases see only interactions strictly before them (seed %i)', (seed) => {
    const stream = randomStream(seed);
    const split = timeSplit(stream, { quantile: 0.7 });
    const cases = buildEvaluationCases(stream, {
      fromMs: split.cutMs,
      dropRepeats: false,
      historyLength: 1000,
    });
    expect(cases.length).toBeGreaterThan(50);
    for (const evaluationCase of cases) {
      expect(evaluationCase.timeMs).toBeGreaterThanOrEqual(split.cutMs);
      const visible = stream
        .filter(
          (item) => item.userKey === evaluationCase.userKey && item.timeMs < evaluationCase.timeMs,
        )
        .map((item) => item.itemId);
      expect(evaluationCase.history).toEqual(visible);
    }
    expect(split.train.every((item) => item.timeMs < split.cutMs)).toBe(true);
  });
});
