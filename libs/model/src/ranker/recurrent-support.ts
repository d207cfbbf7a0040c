/**
 * Shared plumbing of the fused recurrent ops (fused-gru.ts, fused-lstm.ts): shapes, offsets, the
 * per-step matrix product on the backend and the weight-gradient product over all steps.
 */
import {
  BatchMatMul,
  Sigmoid,
  backend as currentBackend,
  matMul,
  tensor2d,
  tidy,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { runWasmKernel } from '../kernels/batch-mat-mul';
import { isWasmBackend, wasmMemory, type WasmBackendSurface } from '../kernels/kernel-memory';

export interface Dims {
  batch: number;
  steps: number;
  units: number;
}

export function dimsOf(projected: Tensor, units: number): Dims {
  return { batch: projected.shape[0] ?? 0, steps: projected.shape[1] ?? 0, units };
}

/** On wasm: the product straight through the backend's kernel, skipping the engine's bookkeeping. */
function wasmProduct(
  backend: WasmBackendSurface,
  operands: { values: Float32Array; kernel: Tensor },
): Float32Array {
  const memory = wasmMemory(backend);
  const inner = operands.kernel.shape[0] ?? 1;
  const left = memory.allocate([operands.values.length / inner, inner], 'float32');
  left.values.set(operands.values);
  const args = {
    inputs: { a: left.info, b: operands.kernel },
    backend,
    attrs: { transposeA: false, transposeB: false },
  };
  const out = runWasmKernel(BatchMatMul, args) as TensorInfo;
  const read = memory.read(out).slice() as Float32Array;
  memory.release(left.info);
  memory.release(out);
  return read;
}

/**
 * values [rows, inner] · kernel [inner, ·], read back. A recurrent step runs two of these, so they
 * skip what they can: on wasm the engine (≈ 0.2 ms per product otherwise), elsewhere tidy(), which
 * would walk every element of a returned typed array looking for tensors.
 */
export function product(values: Float32Array, kernel: Tensor): Float32Array {
  const backend = currentBackend();
  if (isWasmBackend(backend)) return wasmProduct(backend, { values, kernel });
  const inner = kernel.shape[0] ?? 1;
  const left = tensor2d(values, [values.length / inner, inner]);
  const result = matMul(left, kernel);
  const read = result.dataSync() as Float32Array;
  left.dispose();
  result.dispose();
  return read;
}

export type Activation = 'Sigmoid' | 'Tanh';

function wasmSigmoid(backend: WasmBackendSurface, values: Float32Array): Float32Array {
  const memory = wasmMemory(backend);
  const x = memory.allocate([values.length], 'float32');
  x.values.set(values);
  const out = runWasmKernel(Sigmoid, { inputs: { x: x.info }, backend }) as TensorInfo;
  const read = memory.read(out).slice() as Float32Array;
  memory.release(x.info);
  memory.release(out);
  return read;
}

/**
 * On wasm through the backend's vectorised sigmoid (XNNPACK, ≈ 5 ns per element against ≈ 30 ns for
 * Math.exp here). tanh goes through it too, as 2·sigmoid(2x) − 1: the wasm Tanh kernel is a scalar
 * loop, slower than JavaScript.
 */
function wasmActivate(
  backend: WasmBackendSurface,
  operands: { values: Float32Array; activation: Activation },
): Float32Array {
  const { values, activation } = operands;
  if (activation === 'Sigmoid') return wasmSigmoid(backend, values);
  const doubled = new Float32Array(values.length);
  for (let index = 0; index < values.length; index += 1) doubled[index] = 2 * values[index]!;
  const sigmoids = wasmSigmoid(backend, doubled);
  for (let index = 0; index < sigmoids.length; index += 1)
    sigmoids[index] = 2 * sigmoids[index]! - 1;
  return sigmoids;
}

function jsActivate(values: Float32Array, activation: Activation): Float32Array {
  const out = new Float32Array(values.length);
  if (activation === 'Tanh') {
    for (let index = 0; index < values.length; index += 1) out[index] = Math.tanh(values[index]!);
  } else {
    for (let index = 0; index < values.length; index += 1)
      out[index] = 1 / (1 + Math.exp(-values[index]!));
  }
  return out;
}

/**
 * The activation of every value, as a new array: on wasm in one backend call per step (≈ 30 ns per
 * element in JavaScript's Math.exp/Math.tanh here would dominate a recurrent step), elsewhere in JS.
 */
export function activate(values: Float32Array, activation: Activation): Float32Array {
  const backend = currentBackend();
  return isWasmBackend(backend)
    ? wasmActivate(backend, { values, activation })
    : jsActivate(values, activation);
}

export interface Stacked {
  values: Float32Array;
  width: number;
}

/** [rows, width] → [width, rows]. */
function transposed(stacked: Stacked): Float32Array {
  const rows = stacked.values.length / stacked.width;
  const out = new Float32Array(stacked.values.length);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < stacked.width; column += 1) {
      out[column * rows + row] = stacked.values[row * stacked.width + column]!;
    }
  }
  return out;
}

/** Σ over steps of aₜᵀ·bₜ, with a and b stacked as [steps·batch, width]: one product for all steps. */
export function accumulatedProduct(a: Stacked, b: Stacked): Tensor {
  const rows = a.values.length / a.width;
  return tidy(() =>
    matMul(tensor2d(transposed(a), [a.width, rows]), tensor2d(b.values, [rows, b.width])),
  );
}

/** Σ over rows of [rows, width] values: the gradient of a bias added to every row. */
export function columnSums(values: Float32Array, width: number): Float32Array {
  const sums = new Float64Array(width);
  for (let start = 0; start < values.length; start += width) {
    for (let column = 0; column < width; column += 1)
      sums[column] = sums[column]! + values[start + column]!;
  }
  return Float32Array.from(sums);
}

/** Offset of (batch row, step) in [batch, steps, width] arrays. */
export function inputAt(
  dims: Dims,
  position: { row: number; step: number },
  width: number,
): number {
  return (position.row * dims.steps + position.step) * width;
}

/** Offset of (step, batch row) in per-step traces [steps, batch, units]. */
export function traceAt(dims: Dims, step: number, row: number): number {
  return (step * dims.batch + row) * dims.units;
}

/** The slice of a [steps, batch, width] trace for one step. */
export function stepOf(trace: Float32Array, dims: Dims, step: number): Float32Array {
  const size = trace.length / dims.steps;
  return trace.subarray(step * size, (step + 1) * size);
}
