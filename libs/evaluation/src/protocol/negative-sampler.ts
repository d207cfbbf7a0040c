/**
 * Negative items for labelled pairs: a seeded mix of popularity-weighted draws (hard: items the user
 * could plausibly have seen) and uniform draws over the catalogue (easy: the long tail), never an item
 * the caller excludes (the history, the positive).
 */
import type { PopularityModel } from '../baselines/popularity';
import { randomIndex } from '../random';

export class NegativeSampler {
  private readonly items: readonly string[];
  /** Cumulative popularity, for inverse-CDF draws. */
  private readonly cumulative: Float64Array;

  constructor(popularity: PopularityModel) {
    this.items = popularity.ranking;
    this.cumulative = new Float64Array(this.items.length);
    let sum = 0;
    this.items.forEach((itemId, index) => {
      sum += popularity.countOf(itemId);
      this.cumulative[index] = sum;
    });
  }

  get catalogueSize(): number {
    return this.items.length;
  }

  /**
   * `count` distinct items outside `exclude`: each draw is popularity-weighted with probability
   * `popularShare`, else uniform. Fewer when the catalogue runs out (bounded retries).
   */
  sample(
    count: number,
    context: { exclude: ReadonlySet<string>; uniform: () => number; popularShare: number },
  ): string[] {
    const chosen = new Set<string>();
    const limit = count * 20 + 20;
    for (let attempt = 0; attempt < limit && chosen.size < count; attempt += 1) {
      const itemId =
        context.uniform() < context.popularShare
          ? this.popularDraw(context.uniform())
          : this.items[randomIndex(context.uniform, this.items.length)];
      if (itemId !== undefined && !context.exclude.has(itemId)) chosen.add(itemId);
    }
    return [...chosen];
  }

  private popularDraw(unit: number): string | undefined {
    const total = this.cumulative[this.cumulative.length - 1] ?? 0;
    const target = unit * total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.cumulative[middle] ?? 0) > target) high = middle;
      else low = middle + 1;
    }
    return this.items[low];
  }
}
