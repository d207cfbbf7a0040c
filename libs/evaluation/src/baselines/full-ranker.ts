/**
 * A ranker that can also rank the whole catalogue itself. Baselines implement both views: `score`
 * (the platform's `Ranker`, for candidates someone else generated) and `recommend` (full ranking, the
 * way they are evaluated).
 */
import type { Ranker } from '@recsys/recommendation';

export interface FullRanker extends Ranker {
  /**
   * The top `k` items of the catalogue for a history (most recent last), best first, never an item of
   * `exclude`. Returns fewer only when the catalogue runs out.
   */
  recommend(history: readonly string[], k: number, exclude?: ReadonlySet<string>): string[];
}

// Global lookups are slow inside a vm context (Jest's sandbox): hot loops use module bindings.
const toNumber = Number;
const isNaNumber = Number.isNaN;

/** Item ids ↔ dense indices, in first-seen order. */
export class ItemIndex {
  private readonly byId = new Map<string, number>();
  readonly ids: string[] = [];

  static of(itemIds: Iterable<string>): ItemIndex {
    const index = new ItemIndex();
    for (const itemId of itemIds) index.add(itemId);
    return index;
  }

  add(itemId: string): number {
    const existing = this.byId.get(itemId);
    if (existing !== undefined) return existing;
    this.byId.set(itemId, this.ids.length);
    this.ids.push(itemId);
    return this.ids.length - 1;
  }

  indexOf(itemId: string): number | undefined {
    return this.byId.get(itemId);
  }

  get size(): number {
    return this.ids.length;
  }
}

/**
 * Indices of the `k` largest scores, best first; ties go to the lower index. Entries for which `skip`
 * says true, and NaN scores, are never chosen. O(n·k) with a sorted buffer, fast for the small k of
 * evaluation (≤ a few hundred).
 */
export function topIndices(
  scores: ArrayLike<number>,
  k: number,
  skip?: (index: number) => boolean,
): number[] {
  const chosen: number[] = [];
  const scoreOf = (index: number | undefined): number =>
    index === undefined ? Number.NaN : toNumber(scores[index]);
  for (let index = 0; index < scores.length; index += 1) {
    const score = scoreOf(index);
    if (isNaNumber(score) || skip?.(index) === true) continue;
    if (chosen.length === k && score <= scoreOf(chosen[k - 1])) continue;
    let position = chosen.length;
    while (position > 0 && scoreOf(chosen[position - 1]) < score) position -= 1;
    chosen.splice(position, 0, index);
    if (chosen.length > k) chosen.pop();
  }
  return chosen;
}
