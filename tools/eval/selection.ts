/**
 * Choosing the neural model's setting by time-blocked cross-validation on the training period only:
 * fold i trains on blocks < i and is scored (NDCG@10, full ranking as served) on block i. The test
 * period is never looked at.
 */
import {
  CandidateGenerator,
  OfflineFeatures,
  buildEvaluationCases,
  evaluateCandidateRanking,
  meanOf,
  timeBlockedFolds,
  type Interaction,
  type LabelledPair,
} from '@recsys/evaluation';
import { trainNeuralRanker, trainingExamples, type NeuralSetting } from './neural';
import type { EvalOptions } from './options';
import type { LoadedDataset } from './shared-datasets';

export interface SelectionReport {
  folds: number;
  settings: Array<{ setting: NeuralSetting; foldNdcg: number[]; meanNdcg: number }>;
  best: NeuralSetting;
  seconds: number;
}

/**
 * The asked setting, half its epochs (early stopping can only shorten training, so fewer epochs is the
 * other direction worth trying) and the other cheap encoder (pooling ↔ conv1d; RNNs → pooling).
 */
export function candidateSettings(asked: NeuralSetting): NeuralSetting[] {
  const other: NeuralSetting['encoder'] = asked.encoder === 'pooling' ? 'conv1d' : 'pooling';
  const fewer = Math.max(1, Math.floor(asked.epochs / 2));
  const settings: NeuralSetting[] = [
    asked,
    { encoder: asked.encoder, epochs: fewer },
    { encoder: other, epochs: asked.epochs },
  ];
  return settings.filter(
    (setting, index) =>
      settings.findIndex(
        (entry) => entry.encoder === setting.encoder && entry.epochs === setting.epochs,
      ) === index,
  );
}

export async function selectNeuralSetting(input: {
  train: readonly Interaction[];
  data: LoadedDataset;
  options: EvalOptions;
  log: (line: string) => void;
  setting: NeuralSetting;
}): Promise<SelectionReport> {
  const startedMs = performance.now();
  const { options, log } = input;
  const folds = timeBlockedFolds(input.train, { folds: options.folds });
  const settings = candidateSettings(input.setting).map((setting) => ({
    setting,
    foldNdcg: [] as number[],
    meanNdcg: 0,
  }));
  for (const fold of folds) {
    log(
      `  fold ${fold.index}/${folds.length}: train ${fold.train.length}, validate ${fold.test.length}`,
    );
    const cases = buildEvaluationCases(input.train, {
      fromMs: fold.testFromMs,
      untilMs: fold.testUntilMs,
      targets: options.targets,
      maxCases: Math.max(1, Math.floor(options.maxCases / 2)),
      seed: options.seed,
    });
    const features = OfflineFeatures.fit(fold.train, { categories: input.data.categories });
    // The examples do not depend on the setting: built once per fold.
    const examples = trainingExamples({
      train: fold.train,
      categories: input.data.categories,
      maxExamples: options.maxExamples,
      seed: options.seed,
      targets: options.targets,
    });
    for (const entry of settings) {
      const fit = { train: fold.train, examples };
      entry.foldNdcg.push(await foldNdcg({ fit, features, cases, entry, input }));
    }
  }
  for (const entry of settings) entry.meanNdcg = meanOf(entry.foldNdcg);
  const best = settings.reduce((top, entry) => (entry.meanNdcg > top.meanNdcg ? entry : top));
  log(
    `  selected ${best.setting.encoder}, ${best.setting.epochs} epochs (mean fold NDCG@10 ${best.meanNdcg.toFixed(4)})`,
  );
  return {
    folds: folds.length,
    settings,
    best: best.setting,
    seconds: (performance.now() - startedMs) / 1000,
  };
}

async function foldNdcg(context: {
  fit: { train: readonly Interaction[]; examples: LabelledPair[] };
  features: OfflineFeatures;
  cases: ReturnType<typeof buildEvaluationCases>;
  entry: { setting: NeuralSetting };
  input: { data: LoadedDataset; options: EvalOptions; log: (line: string) => void };
}): Promise<number> {
  const { options, log } = context.input;
  const trained = await trainNeuralRanker({
    train: context.fit.train,
    examples: context.fit.examples,
    allowEnsemble: false,
    categories: context.input.data.categories,
    setting: context.entry.setting,
    maxExamples: options.maxExamples,
    seed: options.seed,
    targets: options.targets,
    log: () => undefined,
  });
  try {
    const setup = {
      ranker: trained.ranker,
      candidates: new CandidateGenerator(context.features.coVisitation),
      features: context.features,
      fallback: context.features.popularity,
    };
    const summary = await evaluateCandidateRanking(setup, context.cases);
    log(
      `    ${context.entry.setting.encoder} × ${context.entry.setting.epochs} ep: NDCG@10 ${summary.ndcg.mean.toFixed(4)}`,
    );
    return summary.ndcg.mean;
  } finally {
    trained.dispose();
  }
}
