import { memory, tensor2d, tidy, type Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { initialiseTensorflow } from '../backend/initialise-tensorflow';
import { buildSequenceRanker } from './build-sequence-ranker';
import {
  sequenceEncoders,
  type SequenceEncoder,
  type SequenceRankerConfig,
} from './sequence-ranker-config';

const N = 6;
const D = 4;
const F = 3;
const V = 10;
const HIDDEN = [5];

function configFor(encoder: SequenceEncoder): SequenceRankerConfig {
  return {
    sequenceLength: N,
    embeddingDim: D,
    encoder,
    hiddenUnits: HIDDEN,
    learningRate: 0.01,
    featureNames: ['a', 'b', 'c'],
    seed: 7,
  };
}

/** Parameters we expect, layer by layer (Keras conventions: kernel + bias). */
function expectedParameters(encoder: SequenceEncoder): number {
  const embedding = V * D;
  const encoderParameters: Record<SequenceEncoder, number> = {
    pooling: 0,
    conv1d: 3 * D * D + D + (2 * D * D + D),
    gru: 3 * (D * D + D * D + D),
    lstm: 4 * (D * D + D * D + D),
  };
  const mlpInput = 3 * D + F;
  const mlp = mlpInput * 5 + 5 + (5 * 1 + 1);
  return embedding + encoderParameters[encoder] + mlp;
}

function predict(model: LayersModel, sequences: number[][]): Float32Array {
  return tidy(() => {
    const batch = sequences.length;
    const output = model.predict([
      tensor2d(sequences, [batch, N], 'int32'),
      tensor2d(
        sequences.map((_, index) => [2 + (index % 5)]),
        [batch, 1],
        'int32',
      ),
      tensor2d(
        sequences.map(() => [0.5, -1, 2]),
        [batch, F],
      ),
    ]) as Tensor;
    expect(output.shape).toEqual([batch, 1]);
    return output.dataSync() as Float32Array;
  });
}

beforeAll(async () => {
  await initialiseTensorflow({ prefer: 'wasm' });
});

describe.each(sequenceEncoders)('buildSequenceRanker with the %s encoder', (encoder) => {
  let model: LayersModel;

  beforeAll(() => {
    model = buildSequenceRanker(configFor(encoder), { vocabularySize: V });
  });

  afterAll(() => model.dispose());

  it('takes sequence [N] int32, item [1] int32 and features [F] float32', () => {
    expect(model.inputNames).toEqual(['sequence', 'item', 'features']);
    expect(model.inputs.map((input) => [input.shape, input.dtype])).toEqual([
      [[null, N], 'int32'],
      [[null, 1], 'int32'],
      [[null, F], 'float32'],
    ]);
    expect(model.outputs[0]!.shape).toEqual([null, 1]);
  });

  it('has the expected number of parameters', () => {
    expect(model.countParams()).toBe(expectedParameters(encoder));
  });

  it('scores a batch of one and a larger batch, each a probability', () => {
    const single = predict(model, [[0, 0, 2, 3, 4, 5]]);
    const several = predict(model, [
      [2, 3, 4, 5, 6, 7],
      [0, 0, 0, 0, 0, 9],
      [0, 0, 0, 1, 1, 1],
    ]);
    for (const score of [...single, ...several]) {
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThan(1);
    }
  });

  it('scores an empty (all-padding) sequence with finite values', () => {
    const [score] = predict(model, [[0, 0, 0, 0, 0, 0]]);
    expect(Number.isFinite(score)).toBe(true);
  });

  it('ignores what the padding row of the embedding holds', () => {
    const before = predict(model, [[0, 0, 0, 4, 5, 6]]);
    const embedding = model.getLayer('item_embedding');
    const [table] = embedding.getWeights();
    const values = table!.arraySync() as number[][];
    values[0] = values[0]!.map(() => 3);
    embedding.setWeights([tensor2d(values)]);
    const after = predict(model, [[0, 0, 0, 4, 5, 6]]);
    expect(after[0]).toBeCloseTo(before[0]!, 6);
  });

  it('leaves no tensors behind after predicting', () => {
    predict(model, [[0, 1, 2, 3, 4, 5]]);
    const before = memory().numTensors;
    predict(model, [[0, 1, 2, 3, 4, 5]]);
    expect(memory().numTensors).toBe(before);
  });
});

describe('buildSequenceRanker without dense features', () => {
  it('builds and predicts with featureNames = []', () => {
    const model = buildSequenceRanker(
      { ...configFor('pooling'), featureNames: [] },
      { vocabularySize: V },
    );
    const output = tidy(() =>
      (
        model.predict([
          tensor2d([[0, 0, 0, 2, 3, 4]], [1, N], 'int32'),
          tensor2d([[2]], [1, 1], 'int32'),
          tensor2d([], [1, 0]),
        ]) as Tensor
      ).dataSync(),
    );
    expect(output).toHaveLength(1);
    model.dispose();
  });
});
