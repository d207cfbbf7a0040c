/**
 * The targets every benchmark figure is held to (the project's targets table, docs/targets.md of the
 * shared docs), in one place, and the comparison of a run's figures with them. Pure.
 */
import type { BenchName, BenchResult, Figure } from './bench-result';

export interface Target {
  /** The figure id (bench-result.ts) it applies to. */
  figure: string;
  atLeast?: number;
  atMost?: number;
  /** As the targets table states it. */
  text: string;
  /**
   * The target holds under a condition another figure of the same run reports (e.g. the offered load);
   * when the run did not meet it, the verdict is n/a with `reason`.
   */
  when?: { figure: string; atLeast: number; reason: string };
}

export const TARGETS: readonly Target[] = [
  { figure: 'ingest.ratio', atLeast: 0.7, text: '≥ 0.7× bare kafkajs, same run' },
  {
    figure: 'ingest.ratioToUnvalidatedArm',
    atLeast: 0.8,
    text: '≥ 0.8× Fastify + kafkajs without validation, same run',
  },
  { figure: 'preprocessor.eventsPerSecond', atLeast: 20_000, text: '≥ 20,000 events/s' },
  { figure: 'preprocessor.freshness.p99', atMost: 1_000, text: 'p99 ≤ 1,000 ms' },
  { figure: 'preprocessor.nodeCpuMicrosPerEvent', atMost: 60, text: '≤ 60 µs per event' },
  { figure: 'preprocessor.redisCpuMicrosPerEvent', atMost: 30, text: '≤ 30 µs per event' },
  {
    figure: 'preprocessor.memoryGrowthRatio',
    atMost: 1.2,
    text: '< 1.2× (1M vs 200k events, same users and items)',
  },
  { figure: 'preprocessor.eventsPerSecond.cluster', atLeast: 10_000, text: '≥ 10,000 events/s' },
  { figure: 'preprocessor.nodeCpuMicrosPerEvent.cluster', atMost: 60, text: '≤ 60 µs per event' },
  {
    figure: 'preprocessor.redisCpuMicrosPerEvent.cluster',
    atMost: 30,
    text: '≤ 30 µs per event (all primaries)',
  },
  { figure: 'preprocessor.memoryGrowthRatio.cluster', atMost: 1.2, text: '< 1.2× (1M vs 200k)' },
  {
    figure: 'scorer.latency.p99',
    atMost: 30,
    text: 'p99 ≤ 30 ms at 500 req/s',
    when: { figure: 'scorer.offeredRate', atLeast: 500, reason: 'offered below 500 req/s' },
  },
  { figure: 'scorer.candidates.min', atLeast: 100, text: '≥ 100 candidates' },
  { figure: 'scorer.errors', atMost: 0, text: '0 errors' },
  { figure: 'trainer.wasm.pooling.stepsPerSecond', atLeast: 50, text: '≥ 50 steps/s' },
  { figure: 'trainer.wasm.conv1d.stepsPerSecond', atLeast: 50, text: '≥ 50 steps/s' },
  { figure: 'trainer.wasm.gru.stepsPerSecond', atLeast: 10, text: '≥ 10 steps/s' },
  {
    figure: 'e2e.freshness.p99',
    atMost: 2_000,
    text: 'p99 ≤ 2,000 ms',
    when: { figure: 'e2e.samples', atLeast: 50, reason: 'fewer than 50 samples' },
  },
];

/** yes/no against a target; n/a when the run missed the target's condition; — when there is none. */
export type Verdict = 'yes' | 'no' | 'n/a' | '—';

export interface Comparison {
  verdict: Verdict;
  /** Why n/a, or "not measured". */
  reason?: string;
}

function meets(value: number, bounds: { atLeast?: number; atMost?: number }): boolean {
  if (bounds.atLeast !== undefined && value < bounds.atLeast) return false;
  return bounds.atMost === undefined || value <= bounds.atMost;
}

/** Compares one figure of a run with its target; `siblings` are the run's other figures. */
export function compare(
  figure: Figure,
  target: Target | undefined,
  siblings: readonly Figure[],
): Comparison {
  if (target === undefined) return { verdict: '—' };
  if (figure.value === null) return { verdict: 'no', reason: 'not measured' };
  if (target.when !== undefined) {
    const condition = siblings.find((entry) => entry.id === target.when!.figure);
    if (condition?.value == null || condition.value < target.when.atLeast)
      return { verdict: 'n/a', reason: target.when.reason };
  }
  return { verdict: meets(figure.value, target) ? 'yes' : 'no' };
}

export function targetOf(
  figureId: string,
  targets: readonly Target[] = TARGETS,
): Target | undefined {
  return targets.find((target) => target.figure === figureId);
}

export interface EvaluatedFigure {
  bench: BenchName;
  figure: Figure;
  target: Target | undefined;
  comparison: Comparison;
}

/**
 * Every figure of the results with its verdict, in the results' order; a target whose figure a bench
 * that ran did not report is listed as not measured (a renamed figure cannot silently drop a target).
 */
export function evaluate(
  results: readonly BenchResult[],
  targets: readonly Target[] = TARGETS,
): EvaluatedFigure[] {
  return results.flatMap((result) => {
    const reported = result.figures.map((figure) => {
      const target = targetOf(figure.id, targets);
      return {
        bench: result.bench,
        figure,
        target,
        comparison: compare(figure, target, result.figures),
      };
    });
    const missing = targets
      .filter((target) => target.figure.startsWith(`${result.bench}.`))
      .filter((target) => !result.figures.some((figure) => figure.id === target.figure))
      .map((target) => ({
        bench: result.bench,
        figure: { id: target.figure, label: target.figure, value: null, unit: '' },
        target,
        comparison: { verdict: 'no' as const, reason: 'not reported by the bench' },
      }));
    return [...reported, ...missing];
  });
}
