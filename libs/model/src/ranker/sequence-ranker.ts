/**
 * The neural sequence ranker: a tfjs model plus everything needed to feed it (vocabulary, feature
 * normalisation, configuration) and to publish it (metadata, save/load through a ModelArtifactStore).
 * It implements the platform's Ranker, so the scorer treats it like any baseline.
 */
import { tensor2d, tidy, train, type Tensor } from '@tensorflow/tfjs-core';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import type { Ranker, RankingInput } from '@recsys/recommendation';
import { initialisedBackend, initialiseTensorflow } from '../backend/initialise-tensorflow';
import { ModelError } from '../errors';
import { ArtifactStoreIOHandler } from '../io/artifact-store-io-handler';
import type { ModelArtifactStore } from '../io/model-artifact-store';
import { ItemVocabulary } from '../vocabulary/item-vocabulary';
import { ITEM_EMBEDDING_LAYER, buildSequenceRanker } from './build-sequence-ranker';
import {
  computeFeatureStats,
  encodeExamples,
  encodeLabels,
  identityStats,
  type EncodedExamples,
  type FeatureStats,
  type LabelledExample,
  type RankingExample,
} from './examples';
import type { MetadataStamp, ModelMetadata, TrainingWindow } from './model-metadata';
import { parseSequenceRankerConfig, type SequenceRankerConfig } from './sequence-ranker-config';
import { registerCustomLayers } from './custom-layers';
import { scoringModels, type ScoringModels } from './scoring-models';
import {
  predictEncoded,
  runTraining,
  type TrainingOptions,
  type TrainingSummary,
} from './training-loop';
import { transferWeights } from './warm-start';

export interface FitOptions extends TrainingOptions {
  /** Held-out examples, scored after every epoch (validation loss, AUC, early stopping). */
  validation?: readonly LabelledExample[];
}

/** Version reported before a ranker is stamped with metadata. */
export const UNVERSIONED = 'unversioned';

interface RankerState {
  model: LayersModel;
  config: SequenceRankerConfig;
  vocabulary: ItemVocabulary;
  stats: FeatureStats | undefined;
  metadata?: ModelMetadata | undefined;
  parentVersion?: string | undefined;
}

function assertInitialised(): void {
  if (initialisedBackend() === undefined) {
    throw new ModelError(
      'TENSORFLOW_NOT_INITIALISED',
      'Call initialiseTensorflow() before building a model.',
    );
  }
}

function assertFitOptions(options: FitOptions): void {
  const positive = (value: number | undefined): boolean =>
    Number.isInteger(value) && (value ?? 0) > 0;
  const valid =
    Number.isInteger(options.epochs) &&
    options.epochs >= 0 &&
    positive(options.batchSize) &&
    (options.patience === undefined || positive(options.patience));
  if (!valid) {
    throw new ModelError(
      'MODEL_CONFIG_INVALID',
      'epochs must be ≥ 0, batchSize and patience ≥ 1 (integers).',
      {
        details: {
          epochs: options.epochs,
          batchSize: options.batchSize,
          patience: options.patience,
        },
      },
    );
  }
}

function assertEmbeddingMatches(model: LayersModel, vocabulary: ItemVocabulary): void {
  const rows = model.getLayer(ITEM_EMBEDDING_LAYER).getWeights()[0]?.shape[0];
  if (rows !== vocabulary.size) {
    throw new ModelError('MODEL_ARTIFACTS_INVALID', 'The vocabulary does not fit the embedding.', {
      details: { embeddingRows: rows, vocabularySize: vocabulary.size },
    });
  }
}

function trainingWindowOf(examples: readonly LabelledExample[]): TrainingWindow {
  let fromMs = Infinity;
  let toMs = -Infinity;
  for (const { occurredAtMs } of examples) {
    if (occurredAtMs === undefined) continue;
    fromMs = Math.min(fromMs, occurredAtMs);
    toMs = Math.max(toMs, occurredAtMs);
  }
  const known = Number.isFinite(fromMs);
  return { fromMs: known ? fromMs : 0, toMs: known ? toMs : 0, examples: examples.length };
}

export class SequenceRanker implements Ranker {
  readonly kind = 'sequence_ranker' as const;
  private disposed = false;
  private fits = 0;
  private lastTraining: { window: TrainingWindow; summary: TrainingSummary } | undefined;
  /** Encoder and head views for score(), built on first use; they share the model's weights. */
  private scoring: ScoringModels | undefined;

  private constructor(private readonly state: RankerState) {}

  /** A new, untrained ranker. Needs `initialiseTensorflow()` to have completed. */
  static create(config: SequenceRankerConfig, vocabulary: ItemVocabulary): SequenceRanker {
    assertInitialised();
    const checked = parseSequenceRankerConfig(config);
    const model = buildSequenceRanker(checked, { vocabularySize: vocabulary.size });
    return new SequenceRanker({ model, config: checked, vocabulary, stats: undefined });
  }

  /** Loads a ranker saved with `save` (initialises TensorFlow.js with defaults if nobody has). */
  static async load(store: ModelArtifactStore, key: string): Promise<SequenceRanker> {
    await initialiseTensorflow();
    registerCustomLayers();
    const handler = new ArtifactStoreIOHandler({ store, key });
    const model = await loadLayersModel(handler);
    const metadata = handler.loadedMetadata;
    if (metadata === undefined) {
      model.dispose();
      throw new ModelError('MODEL_ARTIFACTS_INVALID', `No metadata under '${key}'.`, {
        details: { key },
      });
    }
    try {
      const config = parseSequenceRankerConfig(metadata.config);
      const vocabulary = ItemVocabulary.fromJSON(metadata.vocabulary);
      assertEmbeddingMatches(model, vocabulary);
      // Compiled again so a loaded ranker can keep training (the optimizer state is not stored).
      model.compile({ optimizer: train.adam(config.learningRate), loss: 'binaryCrossentropy' });
      const stats = metadata.featureStats;
      return new SequenceRanker({ model, config, vocabulary, stats, metadata });
    } catch (error) {
      model.dispose();
      throw error;
    }
  }

  get version(): string {
    return this.state.metadata?.version ?? UNVERSIONED;
  }

  get metadata(): ModelMetadata | undefined {
    return this.state.metadata;
  }

  get vocabulary(): ItemVocabulary {
    return this.state.vocabulary;
  }

  get config(): SequenceRankerConfig {
    return this.state.config;
  }

  /** Mean/std applied to each feature (identity until the first fit). */
  get featureStats(): FeatureStats {
    return this.state.stats ?? identityStats(this.state.config.featureNames.length);
  }

  /** The underlying tfjs model (for inspection; the ranker owns and disposes it). */
  get model(): LayersModel {
    return this.live().model;
  }

  /** Window and summary of the last `fit`. */
  get lastFit(): { window: TrainingWindow; summary: TrainingSummary } | undefined {
    return this.lastTraining;
  }

  /**
   * Trains on labelled examples. Feature statistics are computed on the first fit and then kept, so
   * later fits (and warm starts) do not change what the learnt weights mean.
   */
  async fit(examples: readonly LabelledExample[], options: FitOptions): Promise<TrainingSummary> {
    const state = this.live();
    if (examples.length === 0) {
      throw new ModelError('TRAINING_DATA_INVALID', 'No training examples.');
    }
    assertFitOptions(options);
    const labels = encodeLabels(examples);
    const validationLabels = options.validation && encodeLabels(options.validation);
    state.stats ??= computeFeatureStats(examples, state.config.featureNames);
    const train = { examples: this.encode(examples), labels };
    const validation =
      options.validation === undefined || validationLabels === undefined
        ? undefined
        : { examples: this.encode(options.validation), labels: validationLabels };
    // A seeded ranker shuffles differently on each fit, yet repeatably.
    this.fits += 1;
    const seed = state.config.seed === undefined ? undefined : state.config.seed + this.fits;
    const summary = await runTraining({
      model: state.model,
      train,
      ...(validation === undefined ? {} : { validation }),
      options,
      ...(seed === undefined ? {} : { seed }),
    });
    this.lastTraining = { window: trainingWindowOf(examples), summary };
    return summary;
  }

  /** The model's probability for each example, in order. */
  async predict(examples: readonly RankingExample[]): Promise<Float32Array> {
    const state = this.live();
    if (examples.length === 0) return new Float32Array(0);
    return predictEncoded(state.model, this.encode(examples));
  }

  /**
   * One probability per candidate, in the candidates' order. The sequence is encoded once (batch 1)
   * and the head scores all candidates in one batched prediction.
   */
  async score(input: RankingInput): Promise<Float32Array> {
    const state = this.live();
    const count = input.candidates.length;
    if (count === 0) return new Float32Array(0);
    this.scoring ??= scoringModels(state.model, state.config);
    const { encoder, head } = this.scoring;
    const length = state.config.sequenceLength;
    const sequence = state.vocabulary.encodeSequence(input.sequence, length);
    const encoding = tidy(
      () => encoder.predict(tensor2d(sequence, [1, length], 'int32')) as Tensor,
    );
    const width = encoding.shape[1] ?? 0;
    const repeated = new Float32Array(count * width);
    for (let row = 0; row < count; row += 1) repeated.set(encoding.dataSync(), row * width);
    encoding.dispose();
    const candidates = this.encode(
      input.candidates.map(({ itemId, features }) => ({ sequence: [], itemId, features })),
    );
    const scores = tidy(
      () =>
        head.predict([
          tensor2d(repeated, [count, width]),
          tensor2d(candidates.items, [count, 1], 'int32'),
          tensor2d(candidates.features, [count, candidates.featureCount]),
        ]) as Tensor,
    );
    const values = Float32Array.from(scores.dataSync());
    scores.dispose();
    return values;
  }

  /**
   * A new ranker for `vocabulary` (usually a newer, larger one) that starts from this one: embedding
   * rows of the items both know and all other weights are copied; feature statistics carry over. Its
   * parentVersion defaults to this ranker's version.
   */
  warmStart(vocabulary: ItemVocabulary): SequenceRanker {
    const state = this.live();
    const model = buildSequenceRanker(state.config, { vocabularySize: vocabulary.size });
    transferWeights({ from: state.model, to: model }, { from: state.vocabulary, to: vocabulary });
    return new SequenceRanker({
      model,
      config: state.config,
      vocabulary,
      stats: state.stats,
      parentVersion: state.metadata?.version,
    });
  }

  /**
   * Stamps identity and provenance before saving; the rest of the metadata comes from the ranker.
   * Changes this ranker (and returns it, for chaining). trainingWindow defaults to the last fit's,
   * metrics to {}, createdAt to now, parentVersion to the warm-start parent's version.
   */
  withMetadata(stamp: MetadataStamp): SequenceRanker {
    const state = this.live();
    const parentVersion = stamp.parentVersion ?? state.parentVersion;
    state.metadata = {
      ...stamp,
      kind: this.kind,
      featureNames: [...state.config.featureNames],
      featureStats: this.featureStats,
      vocabulary: state.vocabulary.toJSON(),
      config: state.config,
      trainingWindow: stamp.trainingWindow ??
        this.lastTraining?.window ?? { fromMs: 0, toMs: 0, examples: 0 },
      metrics: stamp.metrics ?? {},
      createdAt: stamp.createdAt ?? new Date().toISOString(),
      ...(parentVersion === undefined ? {} : { parentVersion }),
    };
    return this;
  }

  /** Writes topology, weights and metadata under `key`. Needs `withMetadata` first. */
  async save(store: ModelArtifactStore, key: string): Promise<void> {
    const state = this.live();
    if (state.metadata === undefined) {
      throw new ModelError(
        'MODEL_METADATA_MISSING',
        'Stamp the ranker with withMetadata() before saving.',
        {
          details: { key },
        },
      );
    }
    // Refresh what can have changed since stamping (a fit after withMetadata computes statistics).
    const metadata = { ...state.metadata, featureStats: this.featureStats };
    await state.model.save(new ArtifactStoreIOHandler({ store, key, metadata }));
  }

  /** Frees the model's tensors. Idempotent; the ranker cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const { model } = this.state;
    // A layer used twice (the shared item embedding) counts two references, so model.dispose()
    // leaves its weights alive; and the model does not own the optimizer it was compiled with.
    const variables = model.weights.map((weight) => weight.read());
    const optimizer = model.optimizer as LayersModel['optimizer'] | undefined;
    model.dispose();
    for (const variable of variables) if (!variable.isDisposed) variable.dispose();
    optimizer?.dispose();
  }

  private live(): RankerState {
    if (this.disposed) throw new ModelError('MODEL_DISPOSED', 'This ranker has been disposed.');
    return this.state;
  }

  private encode(examples: readonly RankingExample[]): EncodedExamples {
    const { vocabulary, config } = this.state;
    return encodeExamples(examples, {
      vocabulary,
      sequenceLength: config.sequenceLength,
      featureNames: config.featureNames,
      stats: this.featureStats,
    });
  }
}
