/**
 * The one interface every ranking model implements — the neural sequence ranker (libs/model) and the
 * simple baselines alike — so the scorer, the trainer's evaluation and the A/B arms treat them the same.
 */

/** A candidate item with its named numeric features (see `featureVectorOf` in @recsys/features). */
export interface RankingCandidate {
  readonly itemId: string;
  readonly features: Readonly<Record<string, number>>;
}

/** Everything a ranker may look at for one user at one moment. */
export interface RankingInput {
  /** The user's recent item sequence, most recent last (may be empty for a cold-start user). */
  readonly sequence: readonly string[];
  readonly candidates: readonly RankingCandidate[];
}

export interface Ranker {
  /** What kind of model this is, e.g. `sequence_ranker`, `popularity`, `co_visitation`. */
  readonly kind: string;
  /** The registry version (or a fixed name for a baseline). */
  readonly version: string;
  /**
   * One score per candidate, in the candidates' order; higher is better. Neural rankers return a
   * probability; baselines any monotone score.
   */
  score(input: RankingInput): Promise<Float32Array>;
}
