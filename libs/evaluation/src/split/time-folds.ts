/**
 * Time-blocked cross-validation with an expanding window, for model selection inside a training
 * period: the period is cut into `folds + 1` blocks of about equal event counts; fold i (1-based)
 * trains on blocks 0..i−1 and tests on block i. No fold ever tests on the past of its training data.
 */
import { cutInstantOf } from './time-split';

export interface TimeFold<T> {
  /** 1-based fold number. */
  index: number;
  /** Training holds `timeMs < testFromMs`. */
  testFromMs: number;
  /** Test holds `testFromMs <= timeMs < testUntilMs` (Infinity for the last block). */
  testUntilMs: number;
  train: T[];
  test: T[];
}

export interface TimeFoldOptions {
  /** Number of folds (≥ 1); the period is cut into folds + 1 blocks. */
  folds: number;
}

/** Block boundaries: `folds + 2` instants from −∞ to +∞, inner ones at event-count quantiles. */
export function timeBlockBoundaries(
  items: readonly { readonly timeMs: number }[],
  blocks: number,
): number[] {
  if (!Number.isInteger(blocks) || blocks < 2) throw new RangeError('need at least 2 blocks');
  const inner = Array.from({ length: blocks - 1 }, (_, index) =>
    cutInstantOf(items, { quantile: (index + 1) / blocks }),
  );
  return [Number.NEGATIVE_INFINITY, ...inner, Number.POSITIVE_INFINITY];
}

export function timeBlockedFolds<T extends { readonly timeMs: number }>(
  items: readonly T[],
  options: TimeFoldOptions,
): TimeFold<T>[] {
  if (!Number.isInteger(options.folds) || options.folds < 1) {
    throw new RangeError('folds must be a positive integer');
  }
  const bounds = timeBlockBoundaries(items, options.folds + 1);
  const folds: TimeFold<T>[] = [];
  for (let index = 1; index <= options.folds; index += 1) {
    const testFromMs = bounds[index] ?? Number.POSITIVE_INFINITY;
    const testUntilMs = bounds[index + 1] ?? Number.POSITIVE_INFINITY;
    folds.push({
      index,
      testFromMs,
      testUntilMs,
      train: items.filter((item) => item.timeMs < testFromMs),
      test: items.filter((item) => item.timeMs >= testFromMs && item.timeMs < testUntilMs),
    });
  }
  return folds;
}
