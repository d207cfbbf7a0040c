/**
 * Examples as the model reads them: typed arrays of item rows and normalised features, built once per
 * call so training batches are cheap slices. Feature normalisation happens here, in JavaScript, with
 * the per-feature mean and standard deviation stored in the model's metadata.
 */
import { tensor2d, type Tensor2D } from '@tensorflow/tfjs-core';
import { ModelError } from '../errors';
import type { ItemVocabulary } from '../vocabulary/item-vocabulary';

/** One example to score: what the user did before, the candidate item and its dense features. */
export interface RankingExample {
  sequence: readonly string[];
  itemId: string;
  features: Readonly<Record<string, number>>;
}

export interface LabelledExample extends RankingExample {
  label: 0 | 1;
  /** Sample weight. @default 1 */
  weight?: number;
  /** When it happened (epoch ms); recorded as the model's training window. */
  occurredAtMs?: number;
}

export interface FeatureStats {
  mean: number[];
  std: number[];
}

/** Below this a feature is treated as constant (divided by 1, not by ~0). */
const MIN_STD = 1e-6;

export interface EncodedExamples {
  count: number;
  sequenceLength: number;
  featureCount: number;
  /** [count, sequenceLength] embedding rows. */
  sequences: Int32Array;
  /** [count] embedding rows of the candidates. */
  items: Int32Array;
  /** [count, featureCount] normalised features. */
  features: Float32Array;
}

export interface EncodedLabels {
  labels: Float32Array;
  weights: Float32Array;
}

export interface EncodingContext {
  vocabulary: ItemVocabulary;
  sequenceLength: number;
  featureNames: readonly string[];
  stats: FeatureStats;
}

/** Mean 0 / std 1: what a ranker uses before it has seen training data. */
export function identityStats(featureCount: number): FeatureStats {
  return {
    mean: new Array<number>(featureCount).fill(0),
    std: new Array<number>(featureCount).fill(1),
  };
}

/**
 * Per-feature mean and (population) standard deviation, weighted by sample weight like the loss;
 * missing or non-finite values are skipped.
 */
export function computeFeatureStats(
  examples: ReadonlyArray<RankingExample & { weight?: number }>,
  featureNames: readonly string[],
): FeatureStats {
  const stats = identityStats(featureNames.length);
  featureNames.forEach((name, column) => {
    let totalWeight = 0;
    let sum = 0;
    let sumOfSquares = 0;
    for (const example of examples) {
      const value = example.features[name];
      const weight = example.weight ?? 1;
      if (value === undefined || !Number.isFinite(value)) continue;
      totalWeight += weight;
      sum += weight * value;
      sumOfSquares += weight * value * value;
    }
    if (totalWeight === 0) return;
    const mean = sum / totalWeight;
    const std = Math.sqrt(Math.max(sumOfSquares / totalWeight - mean * mean, 0));
    stats.mean[column] = mean;
    stats.std[column] = std < MIN_STD ? 1 : std;
  });
  return stats;
}

/**
 * Writes one example's normalised features. A missing or non-finite value reads as the training
 * mean (0 after normalisation): serving must not fail because one feature is absent.
 */
function writeFeatures(
  features: Readonly<Record<string, number>>,
  context: EncodingContext,
  target: { into: Float32Array; offset: number },
): void {
  const { featureNames, stats } = context;
  for (let column = 0; column < featureNames.length; column += 1) {
    const value = features[featureNames[column] ?? ''];
    const mean = stats.mean[column] ?? 0;
    const normalised =
      value !== undefined && Number.isFinite(value) ? (value - mean) / (stats.std[column] ?? 1) : 0;
    target.into[target.offset + column] = normalised;
  }
}

export function encodeExamples(
  examples: readonly RankingExample[],
  context: EncodingContext,
): EncodedExamples {
  const count = examples.length;
  const { sequenceLength, vocabulary } = context;
  const featureCount = context.featureNames.length;
  const encoded: EncodedExamples = {
    count,
    sequenceLength,
    featureCount,
    sequences: new Int32Array(count * sequenceLength),
    items: new Int32Array(count),
    features: new Float32Array(count * featureCount),
  };
  examples.forEach((example, row) => {
    vocabulary.encodeSequenceInto(example.sequence, {
      into: encoded.sequences,
      offset: row * sequenceLength,
      length: sequenceLength,
    });
    encoded.items[row] = vocabulary.indexOf(example.itemId);
    writeFeatures(example.features, context, {
      into: encoded.features,
      offset: row * featureCount,
    });
  });
  return encoded;
}

export function encodeLabels(examples: readonly LabelledExample[]): EncodedLabels {
  const labels = new Float32Array(examples.length);
  const weights = new Float32Array(examples.length);
  examples.forEach((example, row) => {
    const weight = example.weight ?? 1;
    if ((example.label !== 0 && example.label !== 1) || !Number.isFinite(weight) || weight < 0) {
      throw new ModelError(
        'TRAINING_DATA_INVALID',
        'Labels must be 0 or 1 and weights finite and ≥ 0.',
        {
          details: { row },
        },
      );
    }
    labels[row] = example.label;
    weights[row] = weight;
  });
  return { labels, weights };
}

/** The rows `order[start..end)` of encoded examples, copied into fresh contiguous arrays. */
export function selectRows(encoded: EncodedExamples, rows: ArrayLike<number>): EncodedExamples {
  const { sequenceLength, featureCount } = encoded;
  const count = rows.length;
  const selected: EncodedExamples = {
    count,
    sequenceLength,
    featureCount,
    sequences: new Int32Array(count * sequenceLength),
    items: new Int32Array(count),
    features: new Float32Array(count * featureCount),
  };
  for (let target = 0; target < count; target += 1) {
    const source = rows[target] ?? 0;
    const sequenceStart = source * sequenceLength;
    selected.sequences.set(
      encoded.sequences.subarray(sequenceStart, sequenceStart + sequenceLength),
      target * sequenceLength,
    );
    selected.items[target] = encoded.items[source] ?? 0;
    const featureStart = source * featureCount;
    selected.features.set(
      encoded.features.subarray(featureStart, featureStart + featureCount),
      target * featureCount,
    );
  }
  return selected;
}

/** Model inputs in the model's input order: [sequence, item, features]. The caller disposes them. */
export function inputTensors(encoded: EncodedExamples): Tensor2D[] {
  const { count, sequenceLength, featureCount } = encoded;
  return [
    tensor2d(encoded.sequences, [count, sequenceLength], 'int32'),
    tensor2d(encoded.items, [count, 1], 'int32'),
    tensor2d(encoded.features, [count, featureCount], 'float32'),
  ];
}
