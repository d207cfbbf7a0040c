/**
 * Popularity baseline: items by their (weighted, optionally recency-decayed) interaction count in the
 * training window. It ignores the user entirely, which is what makes it the floor every model must
 * clear — and, on fast-moving catalogues with a recency decay, a surprisingly hard one.
 */
import type { RankingInput } from '@recsys/recommendation';
import type { Interaction } from '../interactions';
import type { FullRanker } from './full-ranker';

export interface PopularityOptions {
  /** An interaction's weight halves every `halfLifeMs` before `nowMs`. @default no decay */
  halfLifeMs?: number;
  /** The instant decay is measured from. @default the last training interaction */
  nowMs?: number;
  /** Count interactions by their weight (view 1, cart 3, purchase 5) rather than 1 each. @default true */
  weighted?: boolean;
}

export class PopularityModel implements FullRanker {
  readonly kind = 'popularity';
  readonly version: string;

  private constructor(
    private readonly counts: ReadonlyMap<string, number>,
    /** Every training item, most popular first (ties by item id, so the order is deterministic). */
    readonly ranking: readonly string[],
    options: PopularityOptions,
  ) {
    this.version = options.halfLifeMs === undefined ? 'count' : `decay-${options.halfLifeMs}ms`;
  }

  static fit(
    interactions: readonly Interaction[],
    options: PopularityOptions = {},
  ): PopularityModel {
    const nowMs = options.nowMs ?? interactions.at(-1)?.timeMs ?? 0;
    const halfLifeMs = options.halfLifeMs;
    const counts = new Map<string, number>();
    for (const interaction of interactions) {
      const base = (options.weighted ?? true) ? interaction.weight : 1;
      const decay =
        halfLifeMs === undefined
          ? 1
          : 0.5 ** (Math.max(0, nowMs - interaction.timeMs) / halfLifeMs);
      counts.set(interaction.itemId, (counts.get(interaction.itemId) ?? 0) + base * decay);
    }
    const ranking = [...counts.keys()].sort(
      (left, right) =>
        (counts.get(right) ?? 0) - (counts.get(left) ?? 0) || (left < right ? -1 : 1),
    );
    return new PopularityModel(counts, ranking, options);
  }

  /** The item's popularity (0 for an item never seen in training). */
  countOf(itemId: string): number {
    return this.counts.get(itemId) ?? 0;
  }

  get catalogueSize(): number {
    return this.ranking.length;
  }

  recommend(_history: readonly string[], k: number, exclude?: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const itemId of this.ranking) {
      if (out.length >= k) break;
      if (exclude?.has(itemId) !== true) out.push(itemId);
    }
    return out;
  }

  async score(input: RankingInput): Promise<Float32Array> {
    return Float32Array.from(input.candidates, (candidate) =>
      Math.log1p(this.countOf(candidate.itemId)),
    );
  }
}
