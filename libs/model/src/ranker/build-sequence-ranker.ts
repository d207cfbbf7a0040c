/**
 * The sequence ranker graph:
 *
 *   sequence [N] ─ item embedding ─ encoder ────────────┐
 *   item [1] ───── item embedding (shared) ─ flatten ──┼─ concat ─ ReLU MLP ─ sigmoid
 *                        encoding ⊙ candidate ─────────┤
 *   features [F] (already normalised) ──────────────────┘
 *
 * Row 0 of the embedding is padding: its steps are zeroed or masked, never read as an item.
 * Built on demand (never at import), compiled with Adam and binary cross-entropy.
 */
import { train } from '@tensorflow/tfjs-core';
import {
  initializers,
  input,
  layers,
  model as functionalModel,
  type LayersModel,
  type SymbolicTensor,
} from '@tensorflow/tfjs-layers';
import type { SequenceRankerConfig } from './sequence-ranker-config';
import { registerCustomLayers } from './custom-layers';
import { SequenceRecurrent } from './recurrent-layer';
import { PaddedStepsZeroed, SequencePooling } from './sequence-layers';

/** Width of the Conv1D window, in items. */
export const CONV1D_KERNEL_SIZE = 3;
/** Input names, in the order the model takes them. */
export const rankerInputNames = ['sequence', 'item', 'features'] as const;
export const ITEM_EMBEDDING_LAYER = 'item_embedding';
const EMBEDDING_INIT_RANGE = 0.05;

/** The layer whose output is the sequence's encoding, per encoder. */
export function encoderOutputLayer(encoder: SequenceRankerConfig['encoder']): string {
  switch (encoder) {
    case 'pooling':
      return 'sequence_pooling';
    case 'conv1d':
      return 'sequence_projection';
    case 'gru':
    case 'lstm':
      return `sequence_${encoder}`;
  }
}

export interface SequenceRankerShape {
  /** Rows of the item embedding (ItemVocabulary.size: items plus the padding and unknown rows). */
  vocabularySize: number;
}

/** Per-layer seeds derived from the config seed, so layers differ yet repeat. */
function seeder(seed: number | undefined): () => number | undefined {
  let next = seed;
  return () => (next === undefined ? undefined : (next += 1));
}

type Seeds = () => number | undefined;

function glorot(seeds: Seeds): ReturnType<typeof initializers.glorotUniform> {
  const seed = seeds();
  return initializers.glorotUniform(seed === undefined ? {} : { seed });
}

function conv1dEncoder(
  config: SequenceRankerConfig,
  inputs: { steps: SymbolicTensor; ids: SymbolicTensor; seeds: Seeds },
): SymbolicTensor {
  const zeroed = new PaddedStepsZeroed({ name: 'sequence_steps' }).apply([
    inputs.steps,
    inputs.ids,
  ]);
  const convolved = layers
    .conv1d({
      name: 'sequence_conv',
      filters: config.embeddingDim,
      kernelSize: CONV1D_KERNEL_SIZE,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: glorot(inputs.seeds),
    })
    .apply(zeroed) as SymbolicTensor;
  const pooled = new SequencePooling({ name: 'sequence_pooling', mode: 'meanMax' }).apply([
    convolved,
    inputs.ids,
  ]);
  // Back to the embedding width, so the encoding can be multiplied with the candidate's embedding.
  return layers
    .dense({
      name: 'sequence_projection',
      units: config.embeddingDim,
      kernelInitializer: glorot(inputs.seeds),
    })
    .apply(pooled) as SymbolicTensor;
}

function encodeSequence(
  config: SequenceRankerConfig,
  inputs: { steps: SymbolicTensor; ids: SymbolicTensor; seeds: Seeds },
): SymbolicTensor {
  const { steps, ids, seeds } = inputs;
  switch (config.encoder) {
    case 'pooling':
      return new SequencePooling({ name: 'sequence_pooling', mode: 'mean' }).apply([
        steps,
        ids,
      ]) as SymbolicTensor;
    case 'conv1d':
      return conv1dEncoder(config, inputs);
    case 'gru':
    case 'lstm': {
      // Padding steps leave the state as it is: the state is zero until the first real item.
      const seed = seeds();
      const rnn = new SequenceRecurrent({
        name: `sequence_${config.encoder}`,
        cell: config.encoder,
        units: config.embeddingDim,
        ...(seed === undefined ? {} : { seed }),
      });
      return rnn.apply([steps, ids]) as SymbolicTensor;
    }
  }
}

function multiLayerPerceptron(
  config: SequenceRankerConfig,
  inputs: { joined: SymbolicTensor; seeds: Seeds },
): SymbolicTensor {
  let hidden = inputs.joined;
  config.hiddenUnits.forEach((units, index) => {
    const dense = layers.dense({
      name: `hidden_${index + 1}`,
      units,
      activation: 'relu',
      kernelInitializer: glorot(inputs.seeds),
    });
    hidden = dense.apply(hidden) as SymbolicTensor;
  });
  const score = layers.dense({
    name: 'score',
    units: 1,
    activation: 'sigmoid',
    kernelInitializer: glorot(inputs.seeds),
  });
  return score.apply(hidden) as SymbolicTensor;
}

/** Builds and compiles the ranker for a validated config. */
export function buildSequenceRanker(
  config: SequenceRankerConfig,
  shape: SequenceRankerShape,
): LayersModel {
  registerCustomLayers();
  const seeds = seeder(config.seed);
  const featureCount = config.featureNames.length;
  const sequence = input({ name: 'sequence', shape: [config.sequenceLength], dtype: 'int32' });
  const item = input({ name: 'item', shape: [1], dtype: 'int32' });
  const features = input({ name: 'features', shape: [featureCount], dtype: 'float32' });
  const seed = seeds();
  const embedding = layers.embedding({
    name: ITEM_EMBEDDING_LAYER,
    inputDim: shape.vocabularySize,
    outputDim: config.embeddingDim,
    embeddingsInitializer: initializers.randomUniform({
      minval: -EMBEDDING_INIT_RANGE,
      maxval: EMBEDDING_INIT_RANGE,
      ...(seed === undefined ? {} : { seed }),
    }),
  });
  const steps = embedding.apply(sequence) as SymbolicTensor;
  const encoding = encodeSequence(config, { steps, ids: sequence, seeds });
  const candidate = layers
    .flatten({ name: 'candidate_embedding' })
    .apply(embedding.apply(item)) as SymbolicTensor;
  const interaction = layers.multiply({ name: 'interaction' }).apply([encoding, candidate]);
  const parts = [encoding, candidate, interaction as SymbolicTensor];
  if (featureCount > 0) parts.push(features);
  const joined = layers.concatenate({ name: 'ranker_inputs' }).apply(parts) as SymbolicTensor;
  const output = multiLayerPerceptron(config, { joined, seeds });
  const model = functionalModel({
    name: 'sequence_ranker',
    inputs: [sequence, item, features],
    outputs: output,
  });
  model.compile({ optimizer: train.adam(config.learningRate), loss: 'binaryCrossentropy' });
  return model;
}
