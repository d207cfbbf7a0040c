import { buildEvaluationCases } from './cases';
import { sortByTime } from './interactions';
import { aStream, anInteraction } from './test-interactions';

describe('buildEvaluationCases', () => {
  const stream = aStream('u1', ['a', 'b', 'b', 'c', 'd']);

  it('gives each later interaction its visible history, most recent last', () => {
    const cases = buildEvaluationCases(stream, { fromMs: 3, dropRepeats: false });
    expect(cases.map((entry) => [entry.history, entry.target])).toEqual([
      [['a', 'b', 'b'], 'c'],
      [['a', 'b', 'b', 'c'], 'd'],
    ]);
  });

  it('collapses repeats and skips re-touching the last item when dropping repeats', () => {
    const cases = buildEvaluationCases(stream, { fromMs: 0 });
    expect(cases.map((entry) => [entry.history, entry.target])).toEqual([
      [['a'], 'b'],
      [['a', 'b'], 'c'],
      [['a', 'b', 'c'], 'd'],
    ]);
  });

  it('bounds the history and honours the window end', () => {
    const cases = buildEvaluationCases(stream, { fromMs: 0, historyLength: 2, untilMs: 4 });
    expect(cases.map((entry) => entry.history)).toEqual([['a'], ['a', 'b']]);
  });

  it('targets purchases only when asked, with views still in the history', () => {
    const interactions = sortByTime([
      ...aStream('u1', ['a', 'b']),
      anInteraction('u1', 'b', { timeMs: 2, behaviour: 'purchase' }),
      anInteraction('u1', 'c', { timeMs: 3, behaviour: 'purchase' }),
    ]);
    const cases = buildEvaluationCases(interactions, {
      fromMs: 0,
      targets: 'purchases',
      dropRepeats: false,
    });
    expect(cases.map((entry) => [entry.history, entry.target])).toEqual([
      [['a', 'b'], 'b'],
      [['a', 'b', 'b'], 'c'],
    ]);
  });

  it('keeps lines of one order out of each other’s history', () => {
    const order = [
      anInteraction('u1', 'a', { timeMs: 1 }),
      anInteraction('u1', 'b', { timeMs: 2, behaviour: 'purchase' }),
      anInteraction('u1', 'c', { timeMs: 2, behaviour: 'purchase' }),
    ];
    const cases = buildEvaluationCases(order, { fromMs: 2 });
    expect(cases.map((entry) => entry.history)).toEqual([['a'], ['a']]);
  });

  it('samples a capped number of cases deterministically, in time order', () => {
    const many = sortByTime(
      Array.from({ length: 30 }, (_, user) =>
        aStream(`u${user}`, ['a', 'b', 'c', 'd'], { startMs: user }),
      ).flat(),
    );
    const first = buildEvaluationCases(many, { fromMs: 0, maxCases: 10, seed: 4 });
    const again = buildEvaluationCases([...many], { fromMs: 0, maxCases: 10, seed: 4 });
    const other = buildEvaluationCases(many, { fromMs: 0, maxCases: 10, seed: 5 });
    expect(first).toHaveLength(10);
    expect(first).toEqual(again);
    expect(other).not.toEqual(first);
    expect([...first].sort((left, right) => left.timeMs - right.timeMs)).toEqual(first);
  });

  it('adds the user’s next distinct items as extra targets', () => {
    const cases = buildEvaluationCases(aStream('u1', ['a', 'b', 'c', 'b', 'd']), {
      fromMs: 1,
      futureTargets: 2,
      dropRepeats: false,
    });
    expect(cases[0]?.targets).toEqual(['b', 'c', 'd']);
    expect(cases.at(-1)?.targets).toEqual(['d']);
  });

  it('needs a minimum history', () => {
    expect(
      buildEvaluationCases(stream, { fromMs: 0, minHistory: 3, dropRepeats: false }),
    ).toHaveLength(2);
    expect(buildEvaluationCases(stream, { fromMs: 0, minHistory: 0 })[0]?.history).toEqual([]);
  });
});
