import {
  grads,
  mul,
  randomNormal,
  slice,
  sum,
  tensor2d,
  tidy,
  variableGrads,
  zeros,
  type Scalar,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import { input, layers, model as functionalModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { initialiseTensorflow } from '../backend/initialise-tensorflow';
import { registerCustomLayers } from './custom-layers';
import { SequenceRecurrent, type RecurrentCell } from './recurrent-layer';

const BATCH = 3;
const STEPS = 5;
const WIDTH = 4;
const UNITS = 6;
const TOLERANCE = 1e-5;

/** Ours over [steps, ids]. */
function fused(cell: RecurrentCell, steps: number): LayersModel {
  const values = input({ shape: [steps, WIDTH] });
  const ids = input({ shape: [steps], dtype: 'int32' });
  const output = new SequenceRecurrent({ cell, units: UNITS, seed: 4 }).apply([values, ids]);
  return functionalModel({ inputs: [values, ids], outputs: output as never });
}

/** tfjs-layers' own cell with the same weights, sigmoid gates and no masking. */
function stock(cell: RecurrentCell, steps: number, weights: Tensor[]): LayersModel {
  const values = input({ shape: [steps, WIDTH] });
  const args = {
    units: UNITS,
    recurrentActivation: 'sigmoid' as const,
    recurrentInitializer: 'glorotUniform' as const,
  };
  const rnn = cell === 'gru' ? layers.gru(args) : layers.lstm(args);
  const model = functionalModel({ inputs: values, outputs: rnn.apply(values) as never });
  model.setWeights(weights);
  return model;
}

function maxDifference(a: Tensor, b: Tensor): number {
  return tidy(() => {
    const x = a.dataSync();
    const y = b.dataSync();
    return Math.max(...Array.from(x, (value, index) => Math.abs(value - y[index]!)));
  });
}

beforeAll(async () => {
  await initialiseTensorflow({ prefer: 'wasm' });
  registerCustomLayers();
});

describe.each<RecurrentCell>(['gru', 'lstm'])('SequenceRecurrent (%s)', (cell) => {
  let x: Tensor;
  let ids: Tensor;

  beforeAll(() => {
    x = randomNormal([BATCH, STEPS, WIDTH], 0, 1, 'float32', 9);
    ids = tensor2d(
      Array.from({ length: BATCH }, () => [2, 3, 4, 5, 6]),
      [BATCH, STEPS],
      'int32',
    );
  });

  it('has the weight shapes of the tfjs-layers cell', () => {
    const ours = fused(cell, STEPS);
    const gates = cell === 'gru' ? 3 : 4;
    expect(ours.getWeights().map((weight) => weight.shape)).toEqual([
      [WIDTH, gates * UNITS],
      [UNITS, gates * UNITS],
      [gates * UNITS],
    ]);
    ours.dispose();
  });

  it('computes what the tfjs-layers cell computes, and the same gradients', () => {
    const ours = fused(cell, STEPS);
    const theirs = stock(cell, STEPS, ours.getWeights());
    const weight = randomNormal([BATCH, UNITS], 0, 1, 'float32', 10);
    const oursOut = ours.predict([x, ids]) as Tensor;
    const theirsOut = theirs.predict(x) as Tensor;
    expect(maxDifference(oursOut, theirsOut)).toBeLessThan(TOLERANCE);

    const lossOf = (run: (input: Tensor) => Tensor) => (values: Tensor) =>
      sum(mul(run(values), weight));
    const [oursDx] = grads(lossOf((values) => ours.apply([values, ids]) as Tensor))([x]);
    const [theirsDx] = grads(lossOf((values) => theirs.apply(values) as Tensor))([x]);
    expect(maxDifference(oursDx!, theirsDx!)).toBeLessThan(TOLERANCE);

    const weightGradients = (m: LayersModel, inputs: Tensor | Tensor[]): Tensor[] => {
      const variables = m.trainableWeights.map((variable) => variable.read() as Variable);
      const { grads: byName } = variableGrads(
        () => sum<Scalar>(mul(m.apply(inputs) as Tensor, weight)),
        variables,
      );
      return variables.map((variable) => byName[variable.name]!);
    };
    const oursDw = weightGradients(ours, [x, ids]);
    const theirsDw = weightGradients(theirs, x);
    oursDw.forEach((gradient, index) => {
      expect(maxDifference(gradient, theirsDw[index]!)).toBeLessThan(TOLERANCE);
    });
    ours.dispose();
    theirs.dispose();
  });

  it('skips left padding: [0, 0, a, b, c] gives what [a, b, c] gives, gradients included', () => {
    const padded = fused(cell, STEPS);
    const short = stock(cell, 3, padded.getWeights());
    const paddedIds = tensor2d(
      Array.from({ length: BATCH }, () => [0, 0, 4, 5, 6]),
      [BATCH, STEPS],
      'int32',
    );
    const tail = slice(x, [0, 2, 0], [BATCH, 3, WIDTH]);
    expect(
      maxDifference(padded.predict([x, paddedIds]) as Tensor, short.predict(tail) as Tensor),
    ).toBeLessThan(TOLERANCE);
    const [dx] = grads((values: Tensor) => sum(padded.apply([values, paddedIds]) as Tensor))([x]);
    const [dTail] = grads((values: Tensor) => sum(short.apply(values) as Tensor))([tail]);
    // Padding steps receive no gradient; real steps receive the unpadded sequence's.
    expect(maxDifference(slice(dx!, [0, 0, 0], [BATCH, 2, WIDTH]), zeros([BATCH, 2, WIDTH]))).toBe(
      0,
    );
    expect(maxDifference(slice(dx!, [0, 2, 0], [BATCH, 3, WIDTH]), dTail!)).toBeLessThan(TOLERANCE);
    padded.dispose();
    short.dispose();
  });

  it('returns zeros for a sequence of padding only', () => {
    const ours = fused(cell, STEPS);
    const empty = tensor2d(
      Array.from({ length: BATCH }, () => [0, 0, 0, 0, 0]),
      [BATCH, STEPS],
      'int32',
    );
    const output = ours.predict([x, empty]) as Tensor;
    expect([...output.dataSync()].every((value) => value === 0)).toBe(true);
    ours.dispose();
  });
});
