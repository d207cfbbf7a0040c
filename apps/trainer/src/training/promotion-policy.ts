/**
 * When a freshly trained challenger replaces the champion: both are scored on the same held-out period
 * (the newest examples, which neither trained on), and the challenger must beat the champion's AUC by
 * the configured margin — so noise does not flip the champion back and forth. A champion trained on an
 * other feature spec cannot be compared and is replaced.
 */
export interface HeldOutScores {
  auc: number;
  logLoss: number;
}

export type PromotionDecision =
  | { promote: true; reason: 'first_model' | 'beat_champion'; note: string }
  | { promote: false; reason: 'did_not_beat_champion' | 'worse_than_baseline'; note: string };

export interface PromotionInputs {
  challenger: HeldOutScores;
  /** Undefined when there is no champion yet, or it cannot score this feature spec. */
  champion: HeldOutScores | undefined;
  /** Best simple baseline on the same held-out examples. */
  baselineAuc: number;
  margin: number;
}

export function decidePromotion(inputs: PromotionInputs): PromotionDecision {
  const { challenger, champion, baselineAuc, margin } = inputs;
  const auc = challenger.auc.toFixed(4);
  if (champion === undefined) {
    // The first model must at least beat a popularity ranking, or serving the baseline is better.
    if (challenger.auc <= baselineAuc) {
      return {
        promote: false,
        reason: 'worse_than_baseline',
        note: `AUC ${auc} does not beat the baseline's ${baselineAuc.toFixed(4)}`,
      };
    }
    return { promote: true, reason: 'first_model', note: `first model, AUC ${auc}` };
  }
  const needed = champion.auc + margin;
  if (challenger.auc >= needed) {
    return {
      promote: true,
      reason: 'beat_champion',
      note: `AUC ${auc} ≥ champion ${champion.auc.toFixed(4)} + margin ${margin}`,
    };
  }
  return {
    promote: false,
    reason: 'did_not_beat_champion',
    note: `AUC ${auc} < champion ${champion.auc.toFixed(4)} + margin ${margin}`,
  };
}
