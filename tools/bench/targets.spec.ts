import { figure, type BenchResult } from './bench-result';
import { TARGETS, compare, evaluate, targetOf, type Target } from './targets';

const atMost30: Target = { figure: 'scorer.latency.p99', atMost: 30, text: 'p99 ≤ 30 ms' };
const atLeast07: Target = { figure: 'ingest.ratio', atLeast: 0.7, text: '≥ 0.7×' };

const ms = (id: string, value: number | null) => figure(id, id, { value, unit: 'ms' });

function resultOf(bench: BenchResult['bench'], figures: BenchResult['figures']): BenchResult {
  return {
    bench,
    startedAt: '2026-11-29T10:00:00.000Z',
    finishedAt: '2026-11-29T10:01:00.000Z',
    size: {},
    figures,
    notes: [],
  };
}

describe('compare', () => {
  it('meets an upper bound at the bound and misses it above', () => {
    expect(compare(ms('scorer.latency.p99', 30), atMost30, []).verdict).toBe('yes');
    expect(compare(ms('scorer.latency.p99', 30.1), atMost30, []).verdict).toBe('no');
  });

  it('meets a lower bound at the bound and misses it below', () => {
    const ratio = (value: number) => figure('ingest.ratio', 'ratio', { value, unit: '×' });
    expect(compare(ratio(0.7), atLeast07, []).verdict).toBe('yes');
    expect(compare(ratio(0.69), atLeast07, []).verdict).toBe('no');
  });

  it('gives no verdict to a figure without a target', () => {
    expect(compare(ms('scorer.latency.p50', 12), undefined, [])).toEqual({ verdict: '—' });
  });

  it('fails a targeted figure that was not measured', () => {
    expect(compare(ms('scorer.latency.p99', null), atMost30, [])).toEqual({
      verdict: 'no',
      reason: 'not measured',
    });
  });

  it('says n/a when the run missed the condition the target holds under', () => {
    const target = targetOf('scorer.latency.p99')!;
    const offered = (value: number) => figure('scorer.offeredRate', 'offered', { value, unit: '' });
    const p99 = ms('scorer.latency.p99', 12);
    expect(compare(p99, target, [offered(40), p99])).toEqual({
      verdict: 'n/a',
      reason: 'offered below 500 req/s',
    });
    expect(compare(p99, target, [offered(500), p99]).verdict).toBe('yes');
    expect(compare(p99, target, [p99]).verdict).toBe('n/a');
  });
});

describe('the targets table', () => {
  it('states each target once, with a bound', () => {
    const ids = TARGETS.map((target) => target.figure);
    expect(new Set(ids).size).toBe(ids.length);
    for (const target of TARGETS)
      expect(target.atLeast !== undefined || target.atMost !== undefined).toBe(true);
  });

  it('holds the figures of the targets document', () => {
    expect(targetOf('ingest.ratio')?.atLeast).toBe(0.7);
    expect(targetOf('preprocessor.eventsPerSecond')?.atLeast).toBe(20_000);
    expect(targetOf('preprocessor.freshness.p99')?.atMost).toBe(1_000);
    expect(targetOf('preprocessor.nodeCpuMicrosPerEvent')?.atMost).toBe(60);
    expect(targetOf('preprocessor.redisCpuMicrosPerEvent')?.atMost).toBe(30);
    expect(targetOf('preprocessor.memoryGrowthRatio')?.atMost).toBe(1.2);
    expect(targetOf('scorer.latency.p99')?.atMost).toBe(30);
    expect(targetOf('trainer.wasm.gru.stepsPerSecond')?.atLeast).toBe(10);
    expect(targetOf('e2e.freshness.p99')?.atMost).toBe(2_000);
  });
});

describe('evaluate', () => {
  it('keeps the results’ order and compares each figure', () => {
    const rows = evaluate(
      [resultOf('preprocessor', [ms('preprocessor.freshness.p99', 40)])],
      TARGETS,
    );
    expect(rows.map((row) => [row.figure.id, row.comparison.verdict])).toEqual([
      ['preprocessor.freshness.p99', 'yes'],
      ['preprocessor.eventsPerSecond', 'no'],
      ['preprocessor.nodeCpuMicrosPerEvent', 'no'],
      ['preprocessor.redisCpuMicrosPerEvent', 'no'],
      ['preprocessor.memoryGrowthRatio', 'no'],
      ['preprocessor.eventsPerSecond.cluster', 'no'],
      ['preprocessor.nodeCpuMicrosPerEvent.cluster', 'no'],
      ['preprocessor.redisCpuMicrosPerEvent.cluster', 'no'],
      ['preprocessor.memoryGrowthRatio.cluster', 'no'],
    ]);
  });

  it('lists a target the bench did not report as not measured', () => {
    const rows = evaluate([resultOf('ingest', [])], [atLeast07]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.comparison).toEqual({ verdict: 'no', reason: 'not reported by the bench' });
  });

  it('does not charge a bench with another bench’s targets', () => {
    expect(evaluate([resultOf('trainer', [])], [atLeast07, atMost30])).toEqual([]);
  });
});
