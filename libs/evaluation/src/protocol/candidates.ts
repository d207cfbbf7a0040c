/**
 * The candidate generator a scoring model ranks offline, mirroring serving: the co-visitation
 * neighbours of the history's recent items (strongest votes first), then the most popular items, up to
 * `size` in all. A model orders only these; the rest of the catalogue follows in popularity order.
 */
import type { CoVisitationModel } from '../baselines/co-visitation';

export interface CandidateOptions {
  /** Candidates per request. @default 200 */
  size?: number;
  /** Candidates reserved for popular items (the rest go to co-visitation neighbours first). @default 50 */
  minPopular?: number;
}

export class CandidateGenerator {
  private readonly size: number;
  private readonly minPopular: number;

  constructor(
    private readonly coVisitation: CoVisitationModel,
    options: CandidateOptions = {},
  ) {
    this.size = options.size ?? 200;
    this.minPopular = Math.min(this.size, options.minPopular ?? 50);
  }

  candidatesFor(history: readonly string[], exclude?: ReadonlySet<string>): string[] {
    const votes = [...this.coVisitation.scoresFor(history)]
      .filter(([itemId, vote]) => vote > 0 && exclude?.has(itemId) !== true)
      .sort((left, right) => right[1] - left[1] || (left[0] < right[0] ? -1 : 1))
      .slice(0, this.size - this.minPopular)
      .map(([itemId]) => itemId);
    const taken = new Set([...votes, ...(exclude ?? [])]);
    const popular = this.coVisitation.popularity.recommend(
      history,
      this.size - votes.length,
      taken,
    );
    return [...votes, ...popular];
  }
}
