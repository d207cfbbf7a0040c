/**
 * An LSTM over a whole sequence as one differentiable op (tf.customGrad); see fused-gru.ts for why.
 * The maths is tfjs-layers' LSTMCell: gates i, f, c, o in that order, c = f·c₋ + i·tanh(a_c),
 * h = o·tanh(c), sigmoid gates, zero initial state, and a mask that keeps h and c on padding steps.
 *
 * Inputs: `projected` [batch, steps, 4·units] = x·W, `recurrentKernel` [units, 4·units], `bias`
 * [4·units], `mask` [batch, steps] of 0/1. Output: the last h [batch, units].
 */
import {
  customGrad,
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
  traceAt,
  type Dims,
} from './recurrent-support';

interface LstmTrace {
  hPrev: Float32Array;
  cPrev: Float32Array;
  i: Float32Array;
  f: Float32Array;
  g: Float32Array;
  o: Float32Array;
  /** tanh of the new cell state. */
  tc: Float32Array;
}

interface LstmValues {
  dims: Dims;
  /** x·W, without the bias (added where the pre-activations are formed). */
  projected: Float32Array;
  bias: Float32Array;
  mask: Float32Array;
}

interface LstmState {
  h: Float32Array;
  c: Float32Array;
  trace: LstmTrace;
}

/**
 * The four gates of one step for every row, from one sigmoid pass: i, f and o directly, and the cell
 * input g = tanh(a) = 2·sigmoid(2a) − 1 (its pre-activation is doubled first). Returns [batch, 4·units].
 */
function gateValues(values: LstmValues, step: number, recurrent: Float32Array): Float32Array {
  const { dims, projected, bias } = values;
  const width = 4 * dims.units;
  const pre = new Float32Array(dims.batch * width);
  for (let row = 0; row < dims.batch; row += 1) {
    const x = inputAt(dims, { row, step }, width);
    for (let column = 0; column < width; column += 1) {
      const sum = projected[x + column]! + bias[column]! + recurrent[row * width + column]!;
      const isCellInput = column >= 2 * dims.units && column < 3 * dims.units;
      pre[row * width + column] = isCellInput ? 2 * sum : sum;
    }
  }
  const gates = activate(pre, 'Sigmoid');
  for (let row = 0; row < dims.batch; row += 1) {
    for (let unit = 2 * dims.units; unit < 3 * dims.units; unit += 1) {
      gates[row * width + unit] = 2 * gates[row * width + unit]! - 1;
    }
  }
  return gates;
}

function lstmStep(values: LstmValues, step: number, state: LstmState & { kernel: Tensor }): void {
  const { dims, mask } = values;
  const { units } = dims;
  const gates = gateValues(values, step, product(state.h, state.kernel));
  const cNew = new Float32Array(dims.batch * units);
  const { trace } = state;
  for (let row = 0; row < dims.batch; row += 1) {
    // A padding step (mask 0) keeps both states; its trace stays zero (no gradient).
    if (mask[row * dims.steps + step] === 0) continue;
    const t = traceAt(dims, step, row);
    for (let unit = 0; unit < units; unit += 1) {
      const q = row * 4 * units + unit;
      const c = state.c[row * units + unit]!;
      trace.hPrev[t + unit] = state.h[row * units + unit]!;
      trace.cPrev[t + unit] = c;
      trace.i[t + unit] = gates[q]!;
      trace.f[t + unit] = gates[q + units]!;
      trace.g[t + unit] = gates[q + 2 * units]!;
      trace.o[t + unit] = gates[q + 3 * units]!;
      cNew[row * units + unit] = gates[q + units]! * c + gates[q]! * gates[q + 2 * units]!;
    }
  }
  const tanhC = activate(cNew, 'Tanh');
  for (let row = 0; row < dims.batch; row += 1) {
    if (mask[row * dims.steps + step] === 0) continue;
    const t = traceAt(dims, step, row);
    for (let unit = 0; unit < units; unit += 1) {
      const tc = tanhC[row * units + unit]!;
      trace.tc[t + unit] = tc;
      state.h[row * units + unit] = trace.o[t + unit]! * tc;
      state.c[row * units + unit] = cNew[row * units + unit]!;
    }
  }
}

function lstmForward(values: LstmValues, kernel: Tensor): LstmState {
  const { dims } = values;
  const size = dims.steps * dims.batch * dims.units;
  const trace = (): Float32Array => new Float32Array(size);
  const state = {
    kernel,
    h: new Float32Array(dims.batch * dims.units),
    c: new Float32Array(dims.batch * dims.units),
    trace: {
      hPrev: trace(),
      cPrev: trace(),
      i: trace(),
      f: trace(),
      g: trace(),
      o: trace(),
      tc: trace(),
    },
  };
  for (let step = 0; step < dims.steps; step += 1) lstmStep(values, step, state);
  return state;
}

interface LstmBackward {
  values: LstmValues;
  trace: LstmTrace;
  /** dL/dh and dL/dc at the current step; replaced by the previous step's after each step. */
  dh: Float32Array;
  dc: Float32Array;
  dProjected: Float32Array;
  /** Pre-activation gradients stacked [steps, batch, 4·units], for the recurrent-kernel gradient. */
  dGates: Float32Array;
  kernelT: Tensor;
}

/** Pre-activation gradients of the four gates at one step, and dL/dc before it (no allocation per unit). */
function lstmBackGates(back: LstmBackward, step: number, dcPrev: Float32Array): void {
  const { dims, mask } = back.values;
  const { units } = dims;
  const { i: is, f: fs, g: gs, o: os, tc: tcs, cPrev } = back.trace;
  const { dh: dhs, dc: dcs, dProjected, dGates } = back;
  for (let row = 0; row < dims.batch; row += 1) {
    const x = inputAt(dims, { row, step }, 4 * units);
    const t = traceAt(dims, step, row);
    if (mask[row * dims.steps + step] === 0) {
      // A padding step passed c through: so does its gradient; its gate gradients stay zero.
      dcPrev.set(dcs.subarray(row * units, (row + 1) * units), row * units);
      continue;
    }
    const gateRow = (step * dims.batch + row) * 4 * units;
    for (let unit = 0; unit < units; unit += 1) {
      const at = row * units + unit;
      const i = is[t + unit]!;
      const f = fs[t + unit]!;
      const g = gs[t + unit]!;
      const o = os[t + unit]!;
      const tc = tcs[t + unit]!;
      const dh = dhs[at]!;
      const dcNew = dcs[at]! + dh * o * (1 - tc * tc);
      const di = dcNew * g * i * (1 - i);
      const df = dcNew * cPrev[t + unit]! * f * (1 - f);
      const dg = dcNew * i * (1 - g * g);
      const dO = dh * tc * o * (1 - o);
      dProjected[x + unit] = dGates[gateRow + unit] = di;
      dProjected[x + units + unit] = dGates[gateRow + units + unit] = df;
      dProjected[x + 2 * units + unit] = dGates[gateRow + 2 * units + unit] = dg;
      dProjected[x + 3 * units + unit] = dGates[gateRow + 3 * units + unit] = dO;
      dcPrev[at] = dcNew * f;
    }
  }
}

function lstmBackStep(back: LstmBackward, step: number): void {
  const { dims, mask } = back.values;
  const { units } = dims;
  const dcPrev = new Float32Array(dims.batch * units);
  lstmBackGates(back, step, dcPrev);
  const width = 4 * units;
  const dGates = back.dGates.subarray(step * dims.batch * width, (step + 1) * dims.batch * width);
  const dhPrev = product(dGates, back.kernelT);
  for (let row = 0; row < dims.batch; row += 1) {
    const real = mask[row * dims.steps + step]!;
    for (let unit = 0; unit < units; unit += 1) {
      // Padding steps pass dL/dh straight through; real ones only through the gates.
      dhPrev[row * units + unit] =
        dhPrev[row * units + unit]! + (1 - real) * back.dh[row * units + unit]!;
    }
  }
  back.dh = dhPrev;
  back.dc = dcPrev;
}

function lstmGradients(
  forward: { values: LstmValues; trace: LstmTrace },
  kernel: Tensor,
  dy: Float32Array,
): Tensor[] {
  const { values, trace } = forward;
  const { dims } = values;
  const { units } = dims;
  const back: LstmBackward = {
    values,
    trace,
    dh: dy.slice(),
    dc: new Float32Array(dims.batch * units),
    dProjected: new Float32Array(dims.batch * dims.steps * 4 * units),
    dGates: new Float32Array(dims.steps * dims.batch * 4 * units),
    kernelT: transpose(kernel),
  };
  for (let step = dims.steps - 1; step >= 0; step -= 1) lstmBackStep(back, step);
  const dKernel = accumulatedProduct(
    { values: trace.hPrev, width: units },
    { values: back.dGates, width: 4 * units },
  );
  return [
    tensor3d(back.dProjected, [dims.batch, dims.steps, 4 * units]),
    dKernel,
    tensor1d(columnSums(back.dProjected, 4 * units)),
  ];
}

/**
 * The last LSTM h of `projected` [batch, steps, 4u] (= x·W) plus `bias` [4u], under `recurrentKernel`
 * [u, 4u], with a 0/1 `mask` [batch, steps].
 */
export const lstmSequence = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
  const [projected, recurrentKernel, bias, mask, save] = args as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    GradSaveFunc,
  ];
  const units = recurrentKernel.shape[0] ?? 0;
  // Read once; the backward pass reuses these copies and the forward trace.
  const values: LstmValues = {
    dims: dimsOf(projected, units),
    projected: projected.dataSync() as Float32Array,
    bias: bias.dataSync() as Float32Array,
    mask: mask.dataSync() as Float32Array,
  };
  const { h, trace } = lstmForward(values, recurrentKernel);
  save([recurrentKernel, mask]);
  return {
    value: tensor2d(h, [values.dims.batch, units]),
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [savedKernel, savedMask] = saved as [Tensor, Tensor];
      return [
        ...lstmGradients({ values, trace }, savedKernel, dy.dataSync() as Float32Array),
        zerosLike(savedMask),
      ];
    },
  };
});
