/**
 * Custom layers of the ranker graph that are not recurrent (see recurrent-layer.ts), registered with
 * tfjs serialization by registerCustomLayers so saved models load:
 *  - PaddedStepsZeroed: zeroes the embedding of padding steps, whose row (0) may drift in training;
 *  - SequencePooling: mean and/or max over the real (non-padding) steps only. Both have their own
 *    gradient: tfjs differentiates `max` with a broadcasting `equal` (≈ 160 ms on wasm for
 *    [256, 50, 32]) and `sum` by first filling a ones tensor of the input's size in JavaScript.
 */
import {
  add,
  cast,
  concat,
  customGrad,
  div,
  expandDims,
  max,
  maximum,
  mul,
  notEqual,
  scalar,
  serialization,
  sign,
  sub,
  sum,
  tidy,
  zerosLike,
  type GradSaveFunc,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { layers, type Shape } from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';

/** Added to padding steps before a max, so they never win (and are masked out afterwards). */
const PADDING_PENALTY = 1e9;

export function pair(inputs: Tensor | Tensor[]): [Tensor, Tensor] {
  if (!Array.isArray(inputs) || inputs.length !== 2) {
    throw new Error('Expected [step values, item ids].');
  }
  return [inputs[0] as Tensor, inputs[1] as Tensor];
}

/** 1 for real steps, 0 for padding, shaped [batch, steps, 1] to scale step values. */
export function stepWeights(ids: Tensor): Tensor {
  return expandDims(cast(notEqual(ids, scalar(0, 'int32')), 'float32'), -1);
}

/** Inputs [values [batch, steps, d], ids [batch, steps]] → values with padding steps set to 0. */
export class PaddedStepsZeroed extends layers.Layer {
  static readonly className = 'RecsysPaddedStepsZeroed';

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (inputShape as Shape[])[0] ?? [];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const [values, ids] = pair(inputs);
    return tidy(() => mul(values, stepWeights(ids)));
  }
}

export type PoolingMode = 'mean' | 'max' | 'meanMax';

export interface SequencePoolingArgs extends LayerArgs {
  /** `meanMax` concatenates both. @default 'mean' */
  mode?: PoolingMode;
}

/** max over steps, differentiated with a mask built from cheap ops (see the file header). */
const maxOverSteps = customGrad((values: Tensor | GradSaveFunc, save: Tensor | GradSaveFunc) => {
  const x = values as Tensor;
  const largest = max(x, 1);
  (save as GradSaveFunc)([x, largest]);
  return {
    value: largest,
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [input, result] = saved as [Tensor, Tensor];
      // result - input ≥ 0 and is 0 exactly where the input is the max, so 1 - sign(·) marks those.
      const isMax = sub(scalar(1), sign(sub(expandDims(result, 1), input)));
      return mul(expandDims(dy, 1), isMax);
    },
  };
});

/**
 * Σ values·weights over steps / the number of real steps. Its own gradient (dy/count broadcast over
 * the steps, times the weights) is one multiply; tfjs's gradient of `sum` first builds a tensor of
 * ones of the input's full size in JavaScript.
 */
const maskedMean = customGrad(
  (
    valuesInput: Tensor | GradSaveFunc,
    weightsInput: Tensor | GradSaveFunc,
    save: Tensor | GradSaveFunc,
  ) => {
    const values = valuesInput as Tensor;
    const weights = weightsInput as Tensor;
    const count = maximum(sum(weights, 1), scalar(1));
    (save as GradSaveFunc)([weights, count]);
    return {
      value: div(sum(mul(values, weights), 1), count),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [savedWeights, savedCount] = saved as [Tensor, Tensor];
        // No gradient flows to the weights: they come from the item ids.
        return [mul(expandDims(div(dy, savedCount), 1), savedWeights), zerosLike(savedWeights)];
      },
    };
  },
);

function maskedMax(values: Tensor, weights: Tensor): Tensor {
  const penalised = add(values, mul(sub(weights, scalar(1)), scalar(PADDING_PENALTY)));
  // A sequence of padding only pools to zeros (not to -PADDING_PENALTY).
  const anyReal = max(weights, 1);
  return mul(maxOverSteps(penalised), anyReal);
}

/** Inputs [values [batch, steps, d], ids [batch, steps]] → [batch, d] (or [batch, 2d] for meanMax). */
export class SequencePooling extends layers.Layer {
  static readonly className = 'RecsysSequencePooling';
  private readonly mode: PoolingMode;

  constructor(args: SequencePoolingArgs = {}) {
    super(args);
    this.mode = args.mode ?? 'mean';
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const valuesShape = (inputShape as Shape[])[0] ?? [];
    const width = valuesShape[valuesShape.length - 1] ?? null;
    const factor = this.mode === 'meanMax' ? 2 : 1;
    return [valuesShape[0] ?? null, width === null ? null : width * factor];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const [values, ids] = pair(inputs);
    return tidy(() => {
      const weights = stepWeights(ids);
      if (this.mode === 'mean') return maskedMean(values, weights);
      if (this.mode === 'max') return maskedMax(values, weights);
      return concat([maskedMean(values, weights), maskedMax(values, weights)], -1);
    });
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}
