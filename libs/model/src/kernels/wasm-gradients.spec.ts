/**
 * End to end: the gradients of a whole ranker (embedding, encoder, MLP) computed on wasm with our
 * kernels equal those computed by the stock cpu backend.
 */
import {
  mean,
  setBackend,
  tensor2d,
  tidy,
  variableGrads,
  type Scalar,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import { metrics, type LayersModel } from '@tensorflow/tfjs-layers';
import { initialiseTensorflow } from '../backend/initialise-tensorflow';
import { seededRandom } from '../random';
import { buildSequenceRanker } from '../ranker/build-sequence-ranker';
import { sequenceEncoders, type SequenceEncoder } from '../ranker/sequence-ranker-config';

const N = 7;
const V = 25;
const BATCH = 6;
const TOLERANCE = 1e-5;

function batchValues(): {
  sequences: number[][];
  items: number[][];
  features: number[][];
  labels: number[][];
} {
  const random = seededRandom(5);
  const sequences = Array.from({ length: BATCH }, (_, row) =>
    Array.from({ length: N }, (_, step) => (step < row ? 0 : 1 + random.below(V - 1))),
  );
  sequences[0] = new Array<number>(N).fill(0);
  return {
    sequences,
    items: sequences.map(() => [1 + random.below(V - 1)]),
    features: sequences.map(() => [random.normal(), random.normal()]),
    labels: sequences.map((_, row) => [row % 2]),
  };
}

async function gradientsOn(
  backend: 'wasm' | 'cpu',
  model: LayersModel,
): Promise<Map<string, Float32Array>> {
  await setBackend(backend);
  const batch = batchValues();
  const variables = model.trainableWeights.map((weight) => weight.read() as Variable);
  const byName = tidy(() => {
    const inputs = [
      tensor2d(batch.sequences, [BATCH, N], 'int32'),
      tensor2d(batch.items, [BATCH, 1], 'int32'),
      tensor2d(batch.features, [BATCH, 2]),
    ];
    const labels = tensor2d(batch.labels, [BATCH, 1]);
    const { grads } = variableGrads(() => {
      const predictions = model.apply(inputs, { training: true }) as Tensor;
      return mean<Scalar>(metrics.binaryCrossentropy(labels, predictions));
    }, variables);
    const values: Record<string, Float32Array> = {};
    for (const [name, grad] of Object.entries(grads))
      values[name] = grad.dataSync() as Float32Array;
    return values;
  });
  return new Map(Object.entries(byName));
}

beforeAll(async () => {
  await initialiseTensorflow({ prefer: 'wasm' });
});

describe.each(sequenceEncoders)('gradients of the %s ranker', (encoder: SequenceEncoder) => {
  it('are the same on wasm as on cpu', async () => {
    await setBackend('wasm');
    const model = buildSequenceRanker(
      {
        sequenceLength: N,
        embeddingDim: 4,
        encoder,
        hiddenUnits: [6],
        learningRate: 0.01,
        featureNames: ['a', 'b'],
        seed: 3,
      },
      { vocabularySize: V },
    );
    const onWasm = await gradientsOn('wasm', model);
    const onCpu = await gradientsOn('cpu', model);
    expect([...onWasm.keys()]).toEqual([...onCpu.keys()]);
    for (const [name, expected] of onCpu) {
      const actual = onWasm.get(name)!;
      const largest = Math.max(...expected.map((value, index) => Math.abs(value - actual[index]!)));
      expect({ name, largest: largest <= TOLERANCE }).toEqual({ name, largest: true });
    }
    // The embedding received a gradient (through UnsortedSegmentSum on wasm).
    const embedding = [...onWasm.entries()].find(([name]) => name.startsWith('item_embedding'))![1];
    expect(embedding.some((value) => value !== 0)).toBe(true);
    await setBackend('wasm');
    model.dispose();
  });
});
