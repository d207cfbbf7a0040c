/**
 * A GRU over a whole sequence as one differentiable op (tf.customGrad), with the gate arithmetic in
 * JavaScript and only the recurrent matrix products on the backend.
 *
 * Why: a tfjs-layers RNN runs ≈ 25 small ops per time step forward and more backward (≈ 8 000 kernel
 * calls per training step at 50 steps); on wasm each call costs tens of microseconds whatever its size,
 * so a GRU(32) ranker trained at ≈ 3 steps/s. Here a step is two matrix products plus typed-array
 * loops, and the recurrent-kernel gradient is one product over all steps at the end.
 *
 * The maths is tfjs-layers' GRUCell (Keras "v1": the reset gate scales h before the candidate's
 * recurrent product; gates z, r, candidate in that order), with sigmoid gates, tanh candidate, zero
 * initial state and a mask: a step whose mask is 0 (left padding) leaves the state unchanged, as a
 * Keras mask does.
 *
 * Inputs: `projected` [batch, steps, 3·units] = x·W (one product, outside), `recurrentKernel`
 * [units, 3·units], `bias` [3·units] (added here: tfjs's gradient of a broadcast add sums over rows
 * with a slow wasm reduction), `mask` [batch, steps] of 0/1. Output: the last state [batch, units].
 */
import {
  concat,
  customGrad,
  slice,
  tensor1d,
  tensor2d,
  tensor3d,
  transpose,
  zerosLike,
  type GradSaveFunc,
  type Tensor,
} from '@tensorflow/tfjs-core';
import {
  accumulatedProduct,
  columnSums,
  dimsOf,
  inputAt,
  activate,
  product,
  stepOf,
  traceAt,
  type Dims,
} from './recurrent-support';

interface GruTrace {
  hPrev: Float32Array;
  z: Float32Array;
  r: Float32Array;
  hh: Float32Array;
  rh: Float32Array;
}

interface GruInputs {
  dims: Dims;
  /** x·W, without the bias (added where the pre-activations are formed). */
  projected: Float32Array;
  bias: Float32Array;
  mask: Float32Array;
  /** The recurrent kernel split: [units, 2·units] for z and r, [units, units] for the candidate. */
  zr: Tensor;
  candidate: Tensor;
}

interface GruState {
  h: Float32Array;
  trace: GruTrace;
}

function splitKernel(recurrentKernel: Tensor): Pick<GruInputs, 'zr' | 'candidate'> {
  const units = recurrentKernel.shape[0] ?? 0;
  return {
    zr: slice(recurrentKernel, [0, 0], [units, 2 * units]),
    candidate: slice(recurrentKernel, [0, 2 * units], [units, units]),
  };
}

/** x·W + b over columns [offset, offset + width), plus the recurrent product, for every row. */
function preActivations(
  inputs: GruInputs,
  step: number,
  part: { recurrent: Float32Array; offset: number; width: number },
): Float32Array {
  const { dims, projected, bias } = inputs;
  const { recurrent, offset, width } = part;
  const pre = new Float32Array(dims.batch * width);
  for (let row = 0; row < dims.batch; row += 1) {
    const x = inputAt(dims, { row, step }, 3 * dims.units) + offset;
    for (let column = 0; column < width; column += 1) {
      const sum = projected[x + column]! + bias[offset + column]!;
      pre[row * width + column] = sum + recurrent[row * width + column]!;
    }
  }
  return pre;
}

function gruGates(inputs: GruInputs, step: number, state: GruState): void {
  const { dims, mask } = inputs;
  const { units } = dims;
  const recurrent = product(state.h, inputs.zr);
  const zr = activate(
    preActivations(inputs, step, { recurrent, offset: 0, width: 2 * units }),
    'Sigmoid',
  );
  const { hPrev, z, r, rh } = state.trace;
  for (let row = 0; row < dims.batch; row += 1) {
    // Padding steps change nothing and receive no gradient: their trace stays zero.
    if (mask[row * dims.steps + step] === 0) continue;
    const t = traceAt(dims, step, row);
    for (let unit = 0; unit < units; unit += 1) {
      const h = state.h[row * units + unit]!;
      const reset = zr[row * 2 * units + units + unit]!;
      hPrev[t + unit] = h;
      z[t + unit] = zr[row * 2 * units + unit]!;
      r[t + unit] = reset;
      rh[t + unit] = reset * h;
    }
  }
}

function gruUpdate(inputs: GruInputs, step: number, state: GruState): void {
  const { dims, mask } = inputs;
  const { units } = dims;
  const recurrent = product(stepOf(state.trace.rh, dims, step), inputs.candidate);
  const candidates = activate(
    preActivations(inputs, step, { recurrent, offset: 2 * units, width: units }),
    'Tanh',
  );
  const { hPrev, z, hh } = state.trace;
  for (let row = 0; row < dims.batch; row += 1) {
    // A padding step (mask 0) keeps the state.
    if (mask[row * dims.steps + step] === 0) continue;
    const t = traceAt(dims, step, row);
    for (let unit = 0; unit < units; unit += 1) {
      const candidate = candidates[row * units + unit]!;
      const update = z[t + unit]!;
      hh[t + unit] = candidate;
      state.h[row * units + unit] = update * hPrev[t + unit]! + (1 - update) * candidate;
    }
  }
}

function gruForward(inputs: GruInputs): GruState {
  const { dims } = inputs;
  const size = dims.steps * dims.batch * dims.units;
  const trace = (): Float32Array => new Float32Array(size);
  const state: GruState = {
    h: new Float32Array(dims.batch * dims.units),
    trace: { hPrev: trace(), z: trace(), r: trace(), hh: trace(), rh: trace() },
  };
  for (let step = 0; step < dims.steps; step += 1) {
    gruGates(inputs, step, state);
    gruUpdate(inputs, step, state);
  }
  return state;
}

interface GruBackward {
  inputs: GruInputs;
  trace: GruTrace;
  /** dL/dh at the current step; replaced by dL/dh of the previous step after each step. */
  dh: Float32Array;
  dProjected: Float32Array;
  /** Pre-activation gradients, stacked [steps, batch, ·], for the recurrent-kernel gradient. */
  dzr: Float32Array;
  dCandidate: Float32Array;
  zrT: Tensor;
  candidateT: Tensor;
}

/** Through h = z·h₋ + (1−z)·hh: the candidate's and the update gate's pre-activation gradients. */
function gruBackCandidate(back: GruBackward, step: number, dhPrev: Float32Array): void {
  const { dims, mask } = back.inputs;
  const { units } = dims;
  for (let row = 0; row < dims.batch; row += 1) {
    const t = traceAt(dims, step, row);
    const x = inputAt(dims, { row, step }, 3 * units);
    if (mask[row * dims.steps + step] === 0) {
      // A padding step passed h through: so does its gradient; its own gradients stay zero.
      dhPrev.set(back.dh.subarray(row * units, (row + 1) * units), row * units);
      continue;
    }
    for (let unit = 0; unit < units; unit += 1) {
      const dh = back.dh[row * units + unit]!;
      const z = back.trace.z[t + unit]!;
      const hh = back.trace.hh[t + unit]!;
      const dCandidate = dh * (1 - z) * (1 - hh * hh);
      const dz = dh * (back.trace.hPrev[t + unit]! - hh) * z * (1 - z);
      back.dCandidate[t + unit] = dCandidate;
      back.dProjected[x + 2 * units + unit] = dCandidate;
      back.dzr[(step * dims.batch + row) * 2 * units + unit] = dz;
      back.dProjected[x + unit] = dz;
      dhPrev[row * units + unit] = dh * z;
    }
  }
}

/** Through the reset gate, which scales h₋ before the candidate's recurrent product. */
function gruBackReset(back: GruBackward, step: number, dhPrev: Float32Array): void {
  const { dims, mask } = back.inputs;
  const { units } = dims;
  const dRh = product(stepOf(back.dCandidate, dims, step), back.candidateT);
  for (let row = 0; row < dims.batch; row += 1) {
    if (mask[row * dims.steps + step] === 0) continue;
    const t = traceAt(dims, step, row);
    const x = inputAt(dims, { row, step }, 3 * units);
    for (let unit = 0; unit < units; unit += 1) {
      const r = back.trace.r[t + unit]!;
      const d = dRh[row * units + unit]!;
      const dr = d * back.trace.hPrev[t + unit]! * r * (1 - r);
      back.dzr[(step * dims.batch + row) * 2 * units + units + unit] = dr;
      back.dProjected[x + units + unit] = dr;
      dhPrev[row * units + unit] = dhPrev[row * units + unit]! + d * r;
    }
  }
}

function gruBackStep(back: GruBackward, step: number): void {
  const { dims } = back.inputs;
  const dhPrev = new Float32Array(dims.batch * dims.units);
  gruBackCandidate(back, step, dhPrev);
  gruBackReset(back, step, dhPrev);
  const dzrStep = back.dzr.subarray(
    step * dims.batch * 2 * dims.units,
    (step + 1) * dims.batch * 2 * dims.units,
  );
  const throughGates = product(dzrStep, back.zrT);
  for (let index = 0; index < dhPrev.length; index += 1) {
    dhPrev[index] = dhPrev[index]! + throughGates[index]!;
  }
  back.dh = dhPrev;
}

function gruGradients(inputs: GruInputs, trace: GruTrace, dy: Float32Array): Tensor[] {
  const { dims } = inputs;
  const { units } = dims;
  const back: GruBackward = {
    inputs,
    trace,
    dh: dy.slice(),
    dProjected: new Float32Array(dims.batch * dims.steps * 3 * units),
    dzr: new Float32Array(dims.steps * dims.batch * 2 * units),
    dCandidate: new Float32Array(dims.steps * dims.batch * units),
    zrT: transpose(inputs.zr),
    candidateT: transpose(inputs.candidate),
  };
  for (let step = dims.steps - 1; step >= 0; step -= 1) gruBackStep(back, step);
  const dZr = accumulatedProduct(
    { values: trace.hPrev, width: units },
    { values: back.dzr, width: 2 * units },
  );
  const dCandidateKernel = accumulatedProduct(
    { values: trace.rh, width: units },
    { values: back.dCandidate, width: units },
  );
  return [
    tensor3d(back.dProjected, [dims.batch, dims.steps, 3 * units]),
    concat([dZr, dCandidateKernel], 1),
    tensor1d(columnSums(back.dProjected, 3 * units)),
  ];
}

/**
 * The last GRU state of `projected` [batch, steps, 3u] (= x·W) plus `bias` [3u], under
 * `recurrentKernel` [u, 3u], with a 0/1 `mask` [batch, steps].
 */
export const gruSequence = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
  const [projected, recurrentKernel, bias, mask, save] = args as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    GradSaveFunc,
  ];
  const units = recurrentKernel.shape[0] ?? 0;
  // Read once; the backward pass reuses these copies and the forward trace.
  const values = {
    dims: dimsOf(projected, units),
    projected: projected.dataSync() as Float32Array,
    bias: bias.dataSync() as Float32Array,
    mask: mask.dataSync() as Float32Array,
  };
  const { h, trace } = gruForward({ ...values, ...splitKernel(recurrentKernel) });
  save([recurrentKernel, mask]);
  return {
    value: tensor2d(h, [values.dims.batch, units]),
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [savedKernel, savedMask] = saved as [Tensor, Tensor];
      const inputs = { ...values, ...splitKernel(savedKernel) };
      // Gradients of projected, recurrentKernel and bias; none for the mask (it comes from ids).
      return [...gruGradients(inputs, trace, dy.dataSync() as Float32Array), zerosLike(savedMask)];
    },
  };
});
