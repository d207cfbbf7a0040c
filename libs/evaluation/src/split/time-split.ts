/**
 * Time-based split: models learn from everything before a cut and are judged on what happened after it,
 * as they would be in production. The cut is an explicit instant or a quantile of event time.
 * Leakage rule (enforced by `buildEvaluationCases`): a test case sees only the interactions strictly
 * before its own instant, and models are fitted on the training side only.
 */
import type { Interaction } from '../interactions';

export type TimeCut = { readonly quantile: number } | { readonly atMs: number };

export interface TimeSplit<T extends { readonly timeMs: number } = Interaction> {
  /** Training holds `timeMs < cutMs`; test holds `timeMs >= cutMs`. */
  cutMs: number;
  train: T[];
  test: T[];
}

/**
 * The instant of a cut. For a quantile q the cut is the time of the ⌈q·n⌉-th earliest event, so about
 * q of the events fall before it (fewer when many share that instant: an instant is never split).
 */
export function cutInstantOf(items: readonly { readonly timeMs: number }[], cut: TimeCut): number {
  if ('atMs' in cut) return cut.atMs;
  if (!(cut.quantile > 0 && cut.quantile < 1)) throw new RangeError('quantile must be in (0, 1)');
  if (items.length === 0) throw new RangeError('cannot cut an empty stream');
  const times = Float64Array.from(items, (item) => item.timeMs).sort();
  const index = Math.min(times.length - 1, Math.ceil(cut.quantile * times.length));
  return times[index] ?? Number.POSITIVE_INFINITY;
}

export function timeSplit<T extends { readonly timeMs: number }>(
  items: readonly T[],
  cut: TimeCut,
): TimeSplit<T> {
  const cutMs = cutInstantOf(items, cut);
  return {
    cutMs,
    train: items.filter((item) => item.timeMs < cutMs),
    test: items.filter((item) => item.timeMs >= cutMs),
  };
}
