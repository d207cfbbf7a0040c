/**
 * The neural sequence ranker (libs/model) inside the evaluation protocol: training examples from the
 * training period only, with features fitted on its earlier part (so no example's features count its
 * own outcome), early stopping on the latest slice of examples, and batched scoring.
 */
import {
  auc,
  labelledExamplesForPeriod,
  offlineFeatureNames,
  type BatchRanker,
  type Interaction,
  type LabelledPair,
  type Label,
} from '@recsys/evaluation';
import {
  ItemVocabulary,
  SequenceRanker,
  type RankingExample,
  type SequenceRankerConfig,
  type TrainingProgress,
  type TrainingSummary,
} from '@recsys/model';
import type { RankingInput } from '@recsys/recommendation';
import type { Encoder } from './options';

export interface NeuralSetting {
  encoder: Encoder;
  epochs: number;
}

/** Fixed choices of the evaluation (the CLI exposes the ones worth varying). */
export const NEURAL_DEFAULTS = {
  /**
   * Time blocks of the training period that yield examples (the period is cut into labelBlocks + 1;
   * the first block only feeds features).
   */
  labelBlocks: 3,
  /** Examples need this much history (0: cold-start positives teach the popularity prior too). */
  minHistory: 1,
  negativesPerPositive: 4,
  /** Of the negatives: half from the candidate generator (what the model must order), half sampled. */
  candidateShare: 0.5,
  /** Candidate negatives come from the generator's strongest this many. */
  hardPool: 200,
  /** Latest share of the examples held out for early stopping. */
  validationShare: 0.1,
  patience: 2,
  /** Largest batch; small example sets use smaller batches (see trainingSchedule). */
  batchSize: 256,
  /** Small example sets get more epochs, up to this many, so training takes at least minSteps steps. */
  minSteps: 400,
  maxEpochs: 50,
  /** Below this many examples a single model is mostly seed noise: average an ensemble instead. */
  smallExampleSet: 5_000,
  smallEnsemble: 5,
  sequenceLength: 20,
  embeddingDim: 32,
  hiddenUnits: [64, 32],
  learningRate: 0.003,
} as const;

export interface NeuralTrainingReport {
  encoder: Encoder;
  /** Epochs allowed: the setting's, raised for small example sets (see trainingSchedule). */
  epochsAsked: number;
  batchSize: number;
  epochsRun: number;
  stopReason: string;
  /** Models averaged (several seeds when the example set is small, to tame their variance). */
  ensemble: number;
  examples: number;
  validationExamples: number;
  finalLoss: number;
  validationLoss: number | null;
  validationAuc: number | null;
  examplesPerSecond: number;
  backend: string;
  vocabularySize: number;
  config: SequenceRankerConfig;
}

export interface TrainedNeuralRanker {
  ranker: BatchRanker;
  report: NeuralTrainingReport;
  trainSeconds: number;
  dispose(): void;
}

export interface NeuralInput {
  /** Training-period interactions, time-ordered (nothing at or after the split's cut). */
  train: readonly Interaction[];
  categories: ReadonlyMap<string, readonly string[]>;
  setting: NeuralSetting;
  maxExamples: number;
  seed: number;
  targets: 'all' | 'purchases';
  log: (line: string) => void;
  /** Examples already built from `train` (model selection reuses them across settings). */
  examples?: LabelledPair[];
  /** Average several seeds on small example sets. @default true */
  allowEnsemble?: boolean;
}

export async function trainNeuralRanker(input: NeuralInput): Promise<TrainedNeuralRanker> {
  const startedMs = performance.now();
  const examples = input.examples ?? trainingExamples(input);
  if (examples.length === 0) throw new Error('no training examples in the training period');
  const split = Math.floor(examples.length * (1 - NEURAL_DEFAULTS.validationShare));
  const data = { fitOn: examples.slice(0, split), validation: examples.slice(split) };
  const vocabulary = ItemVocabulary.fromOccurrences(
    input.train.map((interaction) => interaction.itemId),
  );
  const config = configOf(input);
  const small = data.fitOn.length < NEURAL_DEFAULTS.smallExampleSet;
  const members = small && input.allowEnsemble !== false ? NEURAL_DEFAULTS.smallEnsemble : 1;
  input.log(
    `  training ${config.encoder} on ${data.fitOn.length} examples (${data.validation.length} held out), ` +
      `vocabulary ${vocabulary.itemCount}${members > 1 ? `, ensemble of ${members} (small example set)` : ''}`,
  );
  const fitted: FittedMember[] = [];
  for (let member = 0; member < members; member += 1) {
    const memberConfig = { ...config, seed: (config.seed ?? 0) + member };
    const log = member === 0 ? input.log : () => undefined;
    fitted.push(
      await fitMember({
        config: memberConfig,
        vocabulary,
        data,
        epochs: input.setting.epochs,
        log,
      }),
    );
  }
  return {
    ranker: batchRankerOf(fitted.map((entry) => entry.model)),
    report: reportOf({ fitted, config, data, vocabulary }),
    trainSeconds: (performance.now() - startedMs) / 1000,
    dispose: () => fitted.forEach((entry) => entry.model.dispose()),
  };
}

function reportOf(input: {
  fitted: readonly FittedMember[];
  config: SequenceRankerConfig;
  data: { fitOn: LabelledPair[]; validation: LabelledPair[] };
  vocabulary: ItemVocabulary;
}): NeuralTrainingReport {
  const [first] = input.fitted;
  if (first === undefined) throw new Error('no model trained');
  const { summary, schedule } = first;
  return {
    encoder: input.config.encoder,
    epochsAsked: schedule.epochs,
    batchSize: schedule.batchSize,
    epochsRun: summary.epochs,
    stopReason: summary.stopReason,
    ensemble: input.fitted.length,
    examples: input.data.fitOn.length,
    validationExamples: input.data.validation.length,
    finalLoss: summary.finalLoss,
    validationLoss: summary.validationLoss ?? null,
    validationAuc: summary.validationAuc ?? null,
    examplesPerSecond: summary.examplesPerSecond,
    backend: summary.backend,
    vocabularySize: input.vocabulary.itemCount,
    config: input.config,
  };
}

interface FittedMember {
  model: SequenceRanker;
  summary: TrainingSummary;
  schedule: { batchSize: number; epochs: number };
}

async function fitMember(input: {
  config: SequenceRankerConfig;
  vocabulary: ItemVocabulary;
  data: { fitOn: LabelledPair[]; validation: LabelledPair[] };
  epochs: number;
  log: (line: string) => void;
}): Promise<FittedMember> {
  const { fitOn, validation } = input.data;
  const model = SequenceRanker.create(input.config, input.vocabulary);
  const schedule = trainingSchedule(fitOn.length, input.epochs);
  return {
    model,
    summary: await model.fit(fitOn, {
      ...schedule,
      patience: NEURAL_DEFAULTS.patience,
      ...(validation.length > 0 ? { validation } : {}),
      computeAuc: (labels, scores) =>
        auc(
          scores,
          Array.from(labels, (label): Label => (label > 0.5 ? 1 : 0)),
        ),
      onProgress: (progress) => input.log(progressLine(progress)),
    }),
    schedule,
  };
}

/**
 * Batch size and epochs for an example count: batches shrink (down to 32) below 100 batches per epoch,
 * and epochs grow until training takes at least `minSteps` steps; early stopping still applies.
 */
export function trainingSchedule(
  examples: number,
  epochs: number,
): { batchSize: number; epochs: number } {
  let batchSize = NEURAL_DEFAULTS.batchSize;
  while (batchSize > 32 && examples / batchSize < 100) batchSize /= 2;
  const stepsPerEpoch = Math.max(1, Math.ceil(examples / batchSize));
  const needed = Math.ceil(NEURAL_DEFAULTS.minSteps / stepsPerEpoch);
  return { batchSize, epochs: Math.min(NEURAL_DEFAULTS.maxEpochs, Math.max(epochs, needed)) };
}

function configOf(input: NeuralInput): SequenceRankerConfig {
  return {
    sequenceLength: NEURAL_DEFAULTS.sequenceLength,
    embeddingDim: NEURAL_DEFAULTS.embeddingDim,
    encoder: input.setting.encoder,
    hiddenUnits: [...NEURAL_DEFAULTS.hiddenUnits],
    learningRate: NEURAL_DEFAULTS.learningRate,
    featureNames: [...offlineFeatureNames],
    seed: input.seed,
  };
}

function progressLine(progress: TrainingProgress): string {
  const validation =
    progress.validationLoss === undefined ? '' : ` val ${progress.validationLoss.toFixed(4)}`;
  const validationAuc =
    progress.validationAuc === undefined ? '' : ` auc ${progress.validationAuc.toFixed(3)}`;
  return (
    `    epoch ${progress.epoch}/${progress.epochs} loss ${progress.loss.toFixed(4)}${validation}${validationAuc}` +
    ` ${Math.round(progress.examplesPerSecond)} ex/s ${(progress.elapsedMs / 1000).toFixed(1)} s`
  );
}

/**
 * Labelled examples from the training period by time blocks: block i's examples get features and hard
 * negatives from models fitted on blocks < i (see labelledExamplesForPeriod).
 */
export function trainingExamples(
  input: Pick<NeuralInput, 'train' | 'categories' | 'maxExamples' | 'seed' | 'targets'>,
): LabelledPair[] {
  const perPositive = NEURAL_DEFAULTS.negativesPerPositive;
  return labelledExamplesForPeriod(input.train, {
    blocks: NEURAL_DEFAULTS.labelBlocks,
    categories: input.categories,
    targets: input.targets,
    minHistory: NEURAL_DEFAULTS.minHistory,
    maxPositives: Math.max(1, Math.floor(input.maxExamples / (1 + perPositive))),
    negativesPerPositive: perPositive,
    candidateShare: NEURAL_DEFAULTS.candidateShare,
    hardPool: NEURAL_DEFAULTS.hardPool,
    popularShare: 0.5,
    seed: input.seed,
  });
}

/** Scores many requests with one prediction call per member (one row per candidate); members averaged. */
function batchRankerOf(models: readonly SequenceRanker[]): BatchRanker {
  const scoreRows = async (rows: RankingExample[]): Promise<Float32Array> => {
    const total = new Float32Array(rows.length);
    for (const model of models) {
      const scores = await model.predict(rows);
      for (let row = 0; row < rows.length; row += 1)
        total[row] = (total[row] ?? 0) + (scores[row] ?? 0) / models.length;
    }
    return total;
  };
  return {
    kind: models[0]?.kind ?? 'sequence_ranker',
    version: models[0]?.version ?? 'unversioned',
    score: (request: RankingInput) => scoreRows(rowsOf([request])),
    async scoreBatch(requests: readonly RankingInput[]): Promise<Float32Array[]> {
      const scores = await scoreRows(rowsOf(requests));
      const out: Float32Array[] = [];
      let offset = 0;
      for (const request of requests) {
        out.push(scores.slice(offset, offset + request.candidates.length));
        offset += request.candidates.length;
      }
      return out;
    },
  };
}

function rowsOf(requests: readonly RankingInput[]): RankingExample[] {
  return requests.flatMap((request) =>
    request.candidates.map((candidate) => ({
      sequence: request.sequence,
      itemId: candidate.itemId,
      features: candidate.features,
    })),
  );
}
