/**
 * A whole training period as labelled examples, without leakage: the period is cut into `blocks + 1`
 * time blocks (the time-blocked folds), and block i's next-item examples get their features, candidate
 * negatives and popularity from models fitted on blocks < i only. Every example thus sees features as
 * they were before it happened — as at serving — while the examples still cover most of the period.
 */
import type { CoVisitationOptions } from '../baselines/co-visitation';
import { OfflineFeatures } from '../features/offline-features';
import type { Interaction } from '../interactions';
import { timeBlockedFolds } from '../split/time-folds';
import { CandidateGenerator, type CandidateOptions } from './candidates';
import {
  labelledExamplesFrom,
  type LabelledExampleOptions,
  type LabelledPair,
} from './labelled-pairs';

export type TrainingPeriodOptions = Omit<LabelledExampleOptions, 'fromMs' | 'untilMs'> & {
  /** Labelled blocks (the earliest block only feeds features). @default 3 */
  blocks?: number;
  /** Category paths for the category features. */
  categories?: ReadonlyMap<string, readonly string[]>;
  coVisitation?: CoVisitationOptions;
  candidates?: CandidateOptions;
};

/** Examples of all labelled blocks, oldest first; `maxPositives` is shared evenly among the blocks. */
export function labelledExamplesForPeriod(
  interactions: readonly Interaction[],
  options: TrainingPeriodOptions,
): LabelledPair[] {
  const folds = timeBlockedFolds(interactions, { folds: options.blocks ?? 3 });
  const perBlock =
    options.maxPositives === undefined
      ? undefined
      : Math.max(1, Math.floor(options.maxPositives / folds.length));
  return folds.flatMap((fold) => {
    if (fold.train.length === 0 || fold.test.length === 0) return [];
    const features = OfflineFeatures.fit(fold.train, {
      categories: options.categories,
      coVisitation: options.coVisitation,
    });
    const candidates = new CandidateGenerator(features.coVisitation, options.candidates);
    return labelledExamplesFrom(
      interactions,
      { features, candidates },
      {
        ...options,
        fromMs: fold.testFromMs,
        untilMs: fold.testUntilMs,
        maxPositives: perBlock,
        seed: (options.seed ?? 1) + fold.index,
      },
    );
  });
}
