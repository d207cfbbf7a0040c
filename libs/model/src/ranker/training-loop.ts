/**
 * Mini-batch training of a compiled ranker: weighted binary cross-entropy, the model's own Adam, a
 * seeded shuffle per epoch, validation after each epoch and early stopping that restores the best
 * epoch's weights. Between batches it yields to the event loop, so a service that trains keeps
 * answering health checks and Kafka heartbeats.
 */
import {
  div,
  getBackend,
  mul,
  scalar,
  sum,
  tensor1d,
  tensor2d,
  tidy,
  type Scalar,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import { metrics, type LayersModel } from '@tensorflow/tfjs-layers';
import { seededRandom, shuffledIndices, type SeededRandom } from '../random';
import { inputTensors, selectRows, type EncodedExamples, type EncodedLabels } from './examples';

export interface TrainingProgress {
  epoch: number;
  epochs: number;
  loss: number;
  validationLoss?: number;
  validationAuc?: number;
  /** Training examples per second of training-step time (validation excluded). */
  examplesPerSecond: number;
  elapsedMs: number;
}

export interface TrainingSummary {
  /** Epochs actually run (fewer than asked after early stopping or an abort). */
  epochs: number;
  finalLoss: number;
  /** Of the weights the model ends with (the best epoch's after early stopping). */
  validationLoss?: number;
  validationAuc?: number;
  examplesPerSecond: number;
  elapsedMs: number;
  backend: string;
  stopReason: 'completed' | 'early_stopping' | 'aborted';
}

export interface TrainingOptions {
  epochs: number;
  batchSize: number;
  onProgress?: (progress: TrainingProgress) => void;
  /** Stop when validation loss has not improved for this many epochs (needs validation data). */
  patience?: number;
  /**
   * Computes the validation AUC, e.g. @recsys/evaluation's — this library does not implement metrics.
   * @default validation AUC is not reported
   */
  computeAuc?: (labels: Float32Array, scores: Float32Array) => number;
  /** Stops training after the current batch. */
  signal?: AbortSignal;
}

export interface EncodedTrainingData {
  examples: EncodedExamples;
  labels: EncodedLabels;
}

export interface TrainingRun {
  model: LayersModel;
  train: EncodedTrainingData;
  validation?: EncodedTrainingData;
  options: TrainingOptions;
  seed?: number;
}

/** Inference batch: large enough to amortise per-call overhead, small enough for the heap. */
const PREDICT_BATCH_SIZE = 2_048;
/** Longest stretch of synchronous training before yielding to the event loop. */
const MAX_BLOCKING_MS = 50;
const LOG_EPSILON = 1e-7;

function rowsOf(labels: EncodedLabels, rows: ArrayLike<number>): EncodedLabels {
  const picked = { labels: new Float32Array(rows.length), weights: new Float32Array(rows.length) };
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index] ?? 0;
    picked.labels[index] = labels.labels[row] ?? 0;
    picked.weights[index] = labels.weights[row] ?? 0;
  }
  return picked;
}

function totalOf(values: Float32Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** One optimizer step; returns the batch's weighted mean loss. */
function trainBatch(model: LayersModel, batch: EncodedTrainingData): number {
  const totalWeight = totalOf(batch.labels.weights);
  if (totalWeight === 0) return 0;
  const variables = model.trainableWeights.map((weight) => weight.read() as Variable);
  const inputs = inputTensors(batch.examples);
  const labels = tensor2d(batch.labels.labels, [batch.examples.count, 1]);
  const weights = tensor1d(batch.labels.weights);
  try {
    const loss = model.optimizer.minimize(
      () => {
        const predictions = model.apply(inputs, { training: true }) as Tensor;
        const perExample = metrics.binaryCrossentropy(labels, predictions);
        return div<Scalar>(sum(mul(perExample, weights)), scalar(totalWeight));
      },
      true,
      variables,
    );
    const value = loss?.dataSync()[0] ?? NaN;
    loss?.dispose();
    return value;
  } finally {
    for (const tensor of [...inputs, labels, weights]) tensor.dispose();
  }
}

/** Probabilities for encoded examples, in batches, leaving no tensors behind. */
export function predictEncoded(model: LayersModel, encoded: EncodedExamples): Float32Array {
  const scores = new Float32Array(encoded.count);
  for (let start = 0; start < encoded.count; start += PREDICT_BATCH_SIZE) {
    const end = Math.min(start + PREDICT_BATCH_SIZE, encoded.count);
    const rows = Array.from({ length: end - start }, (_, offset) => start + offset);
    const batch = end - start === encoded.count ? encoded : selectRows(encoded, rows);
    // Not tidy(() => typedArray): tidy would walk every element of the returned array.
    const output = tidy(() => model.predict(inputTensors(batch)) as Tensor);
    scores.set(output.dataSync(), start);
    output.dispose();
  }
  return scores;
}

/** The training objective on held-out data: weighted mean binary cross-entropy. */
export function weightedLogLossOf(labels: EncodedLabels, scores: Float32Array): number {
  let loss = 0;
  let totalWeight = 0;
  for (let row = 0; row < scores.length; row += 1) {
    const probability = Math.min(Math.max(scores[row] ?? 0.5, LOG_EPSILON), 1 - LOG_EPSILON);
    const label = labels.labels[row] ?? 0;
    const weight = labels.weights[row] ?? 0;
    loss -= weight * (label * Math.log(probability) + (1 - label) * Math.log(1 - probability));
    totalWeight += weight;
  }
  return totalWeight === 0 ? 0 : loss / totalWeight;
}

interface Validation {
  loss: number;
  auc?: number;
}

function validate(run: TrainingRun): Validation | undefined {
  if (run.validation === undefined || run.validation.examples.count === 0) return undefined;
  const scores = predictEncoded(run.model, run.validation.examples);
  const loss = weightedLogLossOf(run.validation.labels, scores);
  const auc = run.options.computeAuc?.(run.validation.labels.labels, scores);
  return auc === undefined ? { loss } : { loss, auc };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface EpochResult {
  loss: number;
  examples: number;
  trainingMs: number;
  aborted: boolean;
}

async function trainEpoch(run: TrainingRun, random: SeededRandom): Promise<EpochResult> {
  const { examples, labels } = run.train;
  const order = shuffledIndices(examples.count, random);
  const result: EpochResult = { loss: 0, examples: 0, trainingMs: 0, aborted: false };
  let weightedLoss = 0;
  let weightSeen = 0;
  let lastYield = performance.now();
  for (let start = 0; start < examples.count; start += run.options.batchSize) {
    if (run.options.signal?.aborted === true) return { ...result, aborted: true };
    const rows = order.subarray(start, start + run.options.batchSize);
    const batch = { examples: selectRows(examples, rows), labels: rowsOf(labels, rows) };
    const began = performance.now();
    const batchWeight = totalOf(batch.labels.weights);
    weightedLoss += trainBatch(run.model, batch) * batchWeight;
    weightSeen += batchWeight;
    result.trainingMs += performance.now() - began;
    result.examples += rows.length;
    if (performance.now() - lastYield > MAX_BLOCKING_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
  }
  return { ...result, loss: weightSeen === 0 ? 0 : weightedLoss / weightSeen };
}

/** Keeps a copy of the best epoch's weights, to restore after early stopping. */
class BestWeights {
  private snapshot: Tensor[] | undefined;
  private bestLoss = Infinity;
  private epochsWithoutImprovement = 0;
  validation: Validation | undefined;

  constructor(private readonly model: LayersModel) {}

  /** Records an epoch's validation; returns how many epochs in a row did not improve. */
  record(validation: Validation): number {
    if (validation.loss < this.bestLoss) {
      this.bestLoss = validation.loss;
      this.validation = validation;
      this.epochsWithoutImprovement = 0;
      this.dispose();
      this.snapshot = this.model.getWeights().map((weight) => weight.clone());
      return 0;
    }
    this.epochsWithoutImprovement += 1;
    return this.epochsWithoutImprovement;
  }

  restore(): void {
    if (this.snapshot !== undefined && this.epochsWithoutImprovement > 0) {
      this.model.setWeights(this.snapshot);
    }
  }

  dispose(): void {
    for (const tensor of this.snapshot ?? []) tensor.dispose();
    this.snapshot = undefined;
  }
}

interface RunState {
  epochsRun: number;
  loss: number;
  examples: number;
  trainingMs: number;
  validation: Validation | undefined;
  stopReason: TrainingSummary['stopReason'];
}

function reportProgress(run: TrainingRun, state: RunState, startedAt: number): void {
  run.options.onProgress?.({
    epoch: state.epochsRun,
    epochs: run.options.epochs,
    loss: state.loss,
    ...(state.validation === undefined ? {} : { validationLoss: state.validation.loss }),
    ...(state.validation?.auc === undefined ? {} : { validationAuc: state.validation.auc }),
    examplesPerSecond: state.trainingMs === 0 ? 0 : (state.examples * 1000) / state.trainingMs,
    elapsedMs: performance.now() - startedAt,
  });
}

function summaryOf(state: RunState, startedAt: number): TrainingSummary {
  return {
    epochs: state.epochsRun,
    finalLoss: state.loss,
    ...(state.validation === undefined ? {} : { validationLoss: state.validation.loss }),
    ...(state.validation?.auc === undefined ? {} : { validationAuc: state.validation.auc }),
    examplesPerSecond: state.trainingMs === 0 ? 0 : (state.examples * 1000) / state.trainingMs,
    elapsedMs: performance.now() - startedAt,
    backend: getBackend(),
    stopReason: state.stopReason,
  };
}

export async function runTraining(run: TrainingRun): Promise<TrainingSummary> {
  const startedAt = performance.now();
  const random = seededRandom(run.seed ?? Math.floor(Math.random() * 2 ** 31));
  const best = new BestWeights(run.model);
  const patience = run.options.patience;
  const state: RunState = {
    epochsRun: 0,
    loss: NaN,
    examples: 0,
    trainingMs: 0,
    validation: undefined,
    stopReason: 'completed',
  };
  try {
    while (state.epochsRun < run.options.epochs) {
      const epoch = await trainEpoch(run, random);
      state.examples += epoch.examples;
      state.trainingMs += epoch.trainingMs;
      if (epoch.aborted) {
        state.stopReason = 'aborted';
        break;
      }
      state.epochsRun += 1;
      state.loss = epoch.loss;
      state.validation = validate(run);
      reportProgress(run, state, startedAt);
      if (patience === undefined || state.validation === undefined) continue;
      if (best.record(state.validation) >= patience) {
        state.stopReason = 'early_stopping';
        break;
      }
    }
    if (state.stopReason === 'early_stopping') {
      best.restore();
      state.validation = best.validation;
    }
    return summaryOf(state, startedAt);
  } finally {
    best.dispose();
  }
}
