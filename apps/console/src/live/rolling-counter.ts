/**
 * Counts per key in fixed time buckets over a sliding window (a ring of `buckets` buckets of `bucketMs`),
 * by the time each thing happened — so re-reading the last minutes of a topic at start-up rebuilds the
 * same counts. Memory is bounded by the window, whatever the rate: one small map per non-empty bucket.
 */
export interface RollingCounterOptions {
  bucketMs: number;
  buckets: number;
}

interface Bucket {
  /** floor(ms / bucketMs) of the bucket's interval. */
  index: number;
  counts: Map<string, number>;
}

export interface RollingSeries {
  /** Start of the first step (ms). */
  startMs: number;
  stepMs: number;
  /** Counts per step, oldest first, for every key seen in the covered steps. */
  counts: Map<string, number[]>;
}

export class RollingCounter {
  private readonly ring: Array<Bucket | undefined>;
  readonly bucketMs: number;
  readonly windowMs: number;

  constructor(private readonly options: RollingCounterOptions) {
    if (options.bucketMs <= 0 || options.buckets <= 0) throw new RangeError('empty window');
    this.bucketMs = options.bucketMs;
    this.windowMs = options.bucketMs * options.buckets;
    this.ring = new Array<Bucket | undefined>(options.buckets);
  }

  /**
   * Counts `amount` for `key` at `atMs`. Anything older than the window is ignored; a time after
   * `nowMs` (a producer's clock ahead of ours) counts as now.
   */
  add(entry: { key: string; atMs: number; nowMs: number; amount?: number }): void {
    const nowIndex = this.indexOf(entry.nowMs);
    const index = Math.min(this.indexOf(entry.atMs), nowIndex);
    if (index < this.oldestIndex(nowIndex)) return;
    const slot = index % this.options.buckets;
    let bucket = this.ring[slot];
    if (bucket === undefined || bucket.index !== index) {
      bucket = { index, counts: new Map() };
      this.ring[slot] = bucket;
    }
    bucket.counts.set(entry.key, (bucket.counts.get(entry.key) ?? 0) + (entry.amount ?? 1));
  }

  /** Totals per key over the buckets that start within `spanMs` before `nowMs` (current one included). */
  totals(nowMs: number, spanMs: number): Map<string, number> {
    const nowIndex = this.indexOf(nowMs);
    const fromIndex = Math.max(
      this.oldestIndex(nowIndex),
      nowIndex - Math.max(1, Math.ceil(spanMs / this.bucketMs)) + 1,
    );
    const totals = new Map<string, number>();
    for (const bucket of this.bucketsBetween(fromIndex, nowIndex)) {
      for (const [key, value] of bucket.counts) totals.set(key, (totals.get(key) ?? 0) + value);
    }
    return totals;
  }

  /**
   * Counts per key per step of `stepMs` (a multiple of the bucket size) over the window, ending with
   * the last complete step before `nowMs`: the step still filling would read as a drop.
   */
  series(nowMs: number, stepMs: number): RollingSeries {
    const bucketsPerStep = Math.max(1, Math.round(stepMs / this.bucketMs));
    const step = bucketsPerStep * this.bucketMs;
    const endIndex = Math.floor(this.indexOf(nowMs) / bucketsPerStep) * bucketsPerStep;
    const steps = Math.max(
      0,
      Math.floor((endIndex - this.oldestIndex(this.indexOf(nowMs))) / bucketsPerStep),
    );
    const startIndex = endIndex - steps * bucketsPerStep;
    const counts = new Map<string, number[]>();
    for (const bucket of this.bucketsBetween(startIndex, endIndex - 1)) {
      const position = Math.floor((bucket.index - startIndex) / bucketsPerStep);
      for (const [key, value] of bucket.counts) {
        let values = counts.get(key);
        if (values === undefined) {
          values = new Array<number>(steps).fill(0);
          counts.set(key, values);
        }
        values[position] = (values[position] ?? 0) + value;
      }
    }
    return { startMs: startIndex * this.bucketMs, stepMs: step, counts };
  }

  /** The oldest bucket index still inside the window. */
  private oldestIndex(nowIndex: number): number {
    return nowIndex - this.options.buckets + 1;
  }

  private indexOf(ms: number): number {
    return Math.floor(ms / this.bucketMs);
  }

  /** Buckets whose index lies in [from, to], still held by the ring. */
  private *bucketsBetween(from: number, to: number): Iterable<Bucket> {
    for (const bucket of this.ring) {
      if (bucket !== undefined && bucket.index >= from && bucket.index <= to) yield bucket;
    }
  }
}
