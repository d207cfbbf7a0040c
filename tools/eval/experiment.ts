/**
 * One dataset through the protocol: time split, test cases, baselines fitted on the training period,
 * the neural ranker (optionally chosen by time-blocked folds), every model on the same cases and the
 * same held-out pairs.
 */
import {
  CandidateGenerator,
  CoVisitationModel,
  ImplicitAlsModel,
  OfflineFeatures,
  PopularityModel,
  buildEvaluationCases,
  evaluateCandidateRanking,
  evaluateFullRanking,
  evaluatePairs,
  heldOutPairs,
  timeSplit,
  type EvaluationCase,
  type FullRanker,
  type MeanInterval,
  type PairGroup,
  type PairSummary,
  type RankingSummary,
} from '@recsys/evaluation';
import { trainNeuralRanker, type NeuralSetting, type NeuralTrainingReport } from './neural';
import type { EvalOptions } from './options';
import { selectNeuralSetting, type SelectionReport } from './selection';
import type { LoadedDataset } from './shared-datasets';

/** Fixed protocol settings, reported with every result. */
export const PROTOCOL = {
  testShare: 0.2,
  k: 10,
  historyLength: 50,
  candidates: 200,
  minPopularCandidates: 50,
  heldOutNegatives: 10,
  intervals: 'normal 95%',
} as const;

export interface ModelResult {
  name: string;
  kind: string;
  hitRate: MeanInterval;
  ndcg: MeanInterval;
  mrr: MeanInterval;
  multiTarget: RankingSummary['multiTarget'];
  auc: number;
  logLoss: number | null;
  logLossCalibrated: number;
  trainSeconds: number;
  evaluateSeconds: number;
  candidateRecall?: number;
  training?: NeuralTrainingReport;
}

export interface DatasetResult {
  dataset: string;
  generatedAt: string;
  notes: string[];
  protocol: typeof PROTOCOL & {
    targets: string;
    maxCases: number;
    maxExamples: number;
    seed: number;
  };
  data: {
    interactions: number;
    trainInteractions: number;
    testInteractions: number;
    users: number;
    catalogueSize: number;
    itemsWithCategory: number;
    cutAt: string;
    cases: number;
    /** Cases whose target is in the training catalogue: the ceiling of HR@K for every model. */
    casesWithKnownTarget: number;
    heldOutPairs: number;
  };
  models: ModelResult[];
  selection?: SelectionReport;
  verdict: {
    bestBaseline: string;
    bestBaselineNdcg: number;
    modelNdcg: number | null;
    modelMeetsTarget: boolean | null;
  };
  runSeconds: number;
}

interface Prepared {
  train: LoadedDataset['interactions'];
  cases: EvaluationCase[];
  groups: PairGroup[];
  features: OfflineFeatures;
  popularity: PopularityModel;
}

export async function runExperiment(
  data: LoadedDataset,
  context: { options: EvalOptions; log: (line: string) => void },
): Promise<DatasetResult> {
  const startedMs = performance.now();
  const { options, log } = context;
  const split = timeSplit(data.interactions, { quantile: 1 - PROTOCOL.testShare });
  const prepared = prepare(data, { split, options });
  log(
    `${data.name}: ${data.interactions.length} interactions, train ${split.train.length} / test ${split.test.length} ` +
      `(cut ${new Date(split.cutMs).toISOString()}), catalogue ${prepared.popularity.catalogueSize}, ${prepared.cases.length} cases`,
  );
  const models = await evaluateBaselines(prepared, { options, log });
  let selection: SelectionReport | undefined;
  if (!options.skipModel) {
    const setting: NeuralSetting = { encoder: options.encoder, epochs: options.epochs };
    if (options.folds > 1)
      selection = await selectNeuralSetting({ train: split.train, data, options, log, setting });
    models.unshift(
      await evaluateNeural(prepared, { data, options, log, setting: selection?.best ?? setting }),
    );
  }
  return {
    dataset: data.name,
    generatedAt: new Date().toISOString(),
    notes: data.notes,
    protocol: {
      ...PROTOCOL,
      targets: options.targets,
      maxCases: options.maxCases,
      maxExamples: options.maxExamples,
      seed: options.seed,
    },
    data: {
      interactions: data.interactions.length,
      trainInteractions: split.train.length,
      testInteractions: split.test.length,
      users: new Set(data.interactions.map((interaction) => interaction.userKey)).size,
      catalogueSize: prepared.popularity.catalogueSize,
      itemsWithCategory: data.categories.size,
      cutAt: new Date(split.cutMs).toISOString(),
      cases: prepared.cases.length,
      casesWithKnownTarget: prepared.groups.length,
      heldOutPairs: prepared.groups.reduce((sum, group) => sum + group.items.length, 0),
    },
    models,
    ...(selection === undefined ? {} : { selection }),
    verdict: verdictOf(models),
    runSeconds: (performance.now() - startedMs) / 1000,
  };
}

function prepare(
  data: LoadedDataset,
  context: {
    split: ReturnType<typeof timeSplit<LoadedDataset['interactions'][number]>>;
    options: EvalOptions;
  },
): Prepared {
  const { split, options } = context;
  const cases = buildEvaluationCases(data.interactions, {
    fromMs: split.cutMs,
    targets: options.targets,
    historyLength: PROTOCOL.historyLength,
    maxCases: options.maxCases,
    seed: options.seed,
    futureTargets: 4,
  });
  const popularity = PopularityModel.fit(split.train);
  const coVisitation = CoVisitationModel.fit(split.train, { popularity });
  const features = OfflineFeatures.fit(split.train, { coVisitation, categories: data.categories });
  // Pairs only for targets in the catalogue: an item no model has seen says nothing about discrimination
  // (and an untrained out-of-vocabulary row would score it arbitrarily); ranking counts those as misses.
  const known = cases.filter((evaluationCase) => popularity.countOf(evaluationCase.target) > 0);
  const groups = heldOutPairs(
    known,
    { features },
    { negativesPerPositive: PROTOCOL.heldOutNegatives, seed: options.seed },
  );
  return { train: split.train, cases, groups, features, popularity };
}

async function evaluateBaselines(
  prepared: Prepared,
  context: { options: EvalOptions; log: (line: string) => void },
): Promise<ModelResult[]> {
  const halfLifeMs = recencyHalfLife(prepared.train);
  const fitters: Array<{ name: string; fit: () => FullRanker }> = [
    { name: 'popularity', fit: () => PopularityModel.fit(prepared.train) },
    { name: 'popularity (recent)', fit: () => PopularityModel.fit(prepared.train, { halfLifeMs }) },
    { name: 'co-visitation kNN', fit: () => CoVisitationModel.fit(prepared.train) },
    {
      name: 'implicit ALS',
      fit: () => ImplicitAlsModel.fit(prepared.train, { seed: context.options.seed }),
    },
  ];
  const results: ModelResult[] = [];
  for (const fitter of fitters) {
    const startedMs = performance.now();
    const model = fitter.fit();
    const trainSeconds = (performance.now() - startedMs) / 1000;
    const evaluatedMs = performance.now();
    const ranking = evaluateFullRanking(model, prepared.cases, { k: PROTOCOL.k });
    const pairs = await evaluatePairs({
      ranker: model,
      groups: prepared.groups,
      features: prepared.features,
    });
    const evaluateSeconds = (performance.now() - evaluatedMs) / 1000;
    context.log(
      `  ${fitter.name}: NDCG@10 ${ranking.ndcg.mean.toFixed(4)} (fit ${trainSeconds.toFixed(1)}s, eval ${evaluateSeconds.toFixed(1)}s)`,
    );
    results.push(
      resultOf(
        { name: fitter.name, kind: model.kind, ranking, pairs },
        { trainSeconds, evaluateSeconds },
      ),
    );
  }
  return results;
}

/** A tenth of the training period: "recent" popularity forgets a month-old burst on a year of data. */
function recencyHalfLife(train: Prepared['train']): number {
  const spanMs = (train.at(-1)?.timeMs ?? 0) - (train[0]?.timeMs ?? 0);
  return Math.max(1, spanMs / 10);
}

async function evaluateNeural(
  prepared: Prepared,
  context: {
    data: LoadedDataset;
    options: EvalOptions;
    log: (line: string) => void;
    setting: NeuralSetting;
  },
): Promise<ModelResult> {
  const { options, log, setting } = context;
  const trained = await trainNeuralRanker({
    train: prepared.train,
    categories: context.data.categories,
    setting,
    maxExamples: options.maxExamples,
    seed: options.seed,
    targets: options.targets,
    log,
  });
  try {
    const evaluatedMs = performance.now();
    const candidates = new CandidateGenerator(prepared.features.coVisitation, {
      size: PROTOCOL.candidates,
      minPopular: PROTOCOL.minPopularCandidates,
    });
    const setup = {
      ranker: trained.ranker,
      candidates,
      features: prepared.features,
      fallback: prepared.popularity,
    };
    const ranking = await evaluateCandidateRanking(setup, prepared.cases, { k: PROTOCOL.k });
    const pairs = await evaluatePairs({
      ranker: trained.ranker,
      groups: prepared.groups,
      features: prepared.features,
      probabilities: true,
    });
    const evaluateSeconds = (performance.now() - evaluatedMs) / 1000;
    log(
      `  sequence model: NDCG@10 ${ranking.ndcg.mean.toFixed(4)}, candidate recall ${ranking.candidateRecall.toFixed(3)} (eval ${evaluateSeconds.toFixed(1)}s)`,
    );
    const ensemble = trained.report.ensemble > 1 ? `, ×${trained.report.ensemble}` : '';
    const name = `sequence model (${setting.encoder}, ${trained.report.epochsRun} ep${ensemble})`;
    return {
      ...resultOf(
        { name, kind: trained.ranker.kind, ranking, pairs },
        { trainSeconds: trained.trainSeconds, evaluateSeconds },
      ),
      candidateRecall: ranking.candidateRecall,
      training: trained.report,
    };
  } finally {
    trained.dispose();
  }
}

function resultOf(
  evaluated: { name: string; kind: string; ranking: RankingSummary; pairs: PairSummary },
  timing: { trainSeconds: number; evaluateSeconds: number },
): ModelResult {
  const { ranking, pairs } = evaluated;
  return {
    name: evaluated.name,
    kind: evaluated.kind,
    hitRate: ranking.hitRate,
    ndcg: ranking.ndcg,
    mrr: ranking.mrr,
    multiTarget: ranking.multiTarget,
    auc: pairs.auc,
    logLoss: Number.isNaN(pairs.logLoss) ? null : pairs.logLoss,
    logLossCalibrated: pairs.logLossCalibrated,
    ...timing,
  };
}

function verdictOf(models: readonly ModelResult[]): DatasetResult['verdict'] {
  const baselines = models.filter((model) => model.training === undefined);
  const best = baselines.reduce<ModelResult | undefined>(
    (top, model) => (top === undefined || model.ndcg.mean > top.ndcg.mean ? model : top),
    undefined,
  );
  const neural = models.find((model) => model.training !== undefined);
  const bestNdcg = best?.ndcg.mean ?? Number.NaN;
  return {
    bestBaseline: best?.name ?? '-',
    bestBaselineNdcg: bestNdcg,
    modelNdcg: neural?.ndcg.mean ?? null,
    modelMeetsTarget: neural === undefined ? null : neural.ndcg.mean >= bestNdcg,
  };
}
