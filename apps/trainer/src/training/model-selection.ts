/**
 * Choosing the encoder by time-blocked cross-validation inside the training period: the period is cut
 * into folds + 1 blocks by event time, fold i trains on blocks ≤ i and validates on block i + 1 (never
 * the future predicting the past), and the encoder with the best mean validation AUC wins. The held-out
 * period that judges challenger against champion is not touched here.
 */
import type { TrainingExample } from '@recsys/contracts';
import { auc, meanOf, timeBlockedFolds, type Label } from '@recsys/evaluation';
import type { SequenceEncoder } from '@recsys/model';
import type { TrainingSettings } from '../config';
import { newRanker } from './ranker-factory';
import { toLabelled } from './labelled';

export interface EncoderScore {
  encoder: SequenceEncoder;
  /** Mean validation AUC over the folds that had both classes. */
  auc: number;
  folds: number;
}

export interface Selection {
  encoder: SequenceEncoder;
  scores: EncoderScore[];
}

async function foldAuc(
  fold: { train: TrainingExample[]; test: TrainingExample[] },
  settings: TrainingSettings,
): Promise<number> {
  const ranker = newRanker({ train: fold.train, champion: undefined, settings });
  try {
    await ranker.fit(fold.train.map(toLabelled), {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
    });
    const scores = await ranker.predict(fold.test.map(toLabelled));
    return auc(
      scores,
      fold.test.map((example): Label => example.label),
    );
  } finally {
    ranker.dispose();
  }
}

export async function selectEncoder(
  train: readonly TrainingExample[],
  settings: TrainingSettings & { candidateEncoders: readonly SequenceEncoder[]; folds: number },
): Promise<Selection> {
  const timed = train.map((example) => ({ example, timeMs: Date.parse(example.occurredAt) }));
  const folds = timeBlockedFolds(timed, { folds: settings.folds }).map((fold) => ({
    train: fold.train.map((entry) => entry.example),
    test: fold.test.map((entry) => entry.example),
  }));
  const scores: EncoderScore[] = [];
  for (const encoder of settings.candidateEncoders) {
    const aucs: number[] = [];
    for (const fold of folds) {
      if (fold.train.length === 0 || fold.test.length === 0) continue;
      const value = await foldAuc(fold, { ...settings, encoder });
      if (Number.isFinite(value)) aucs.push(value);
    }
    scores.push({ encoder, auc: aucs.length > 0 ? meanOf(aucs) : Number.NaN, folds: aucs.length });
  }
  const best = scores
    .filter((score) => Number.isFinite(score.auc))
    .sort((a, b) => b.auc - a.auc)[0];
  return { encoder: best?.encoder ?? settings.encoder, scores };
}
