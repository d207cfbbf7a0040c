/**
 * The two gradients of Conv2D for wasm, as im2col/col2im in JavaScript around the backend's matrix
 * product (XNNPACK):
 *   filter gradient  dW = colsᵀ · dY      (cols = the input patches, one row per output position)
 *   input gradient   dX = col2im(dY · Wᵀ)
 *
 * Why: tfjs-backend-wasm has no Conv2DBackpropFilter at all, so no Conv1D/Conv2D layer can train on
 * wasm; and its Conv2DBackpropInput is a naive loop (≈ 58 ms for one Conv1D(32, k=3) over 256 × 50 × 32
 * against ≈ 4 ms for the forward convolution). Strides, dilations, 'same'/'valid'/explicit padding,
 * the rounding mode and NHWC/NCHW are honoured (NCHW by transposing to NHWC around the computation).
 * tfjs's own gradient of conv2d never passes dilations (it refuses dilated gradients), but a direct
 * `runKernel` may, so an optional `dilations` attribute is read too.
 */
import {
  BatchMatMul,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  Transpose,
  backend_util,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type TensorInfo,
  type TypedArray,
} from '@tensorflow/tfjs-core';
import { runWasmKernel } from './batch-mat-mul';
import {
  attrsOf,
  inputOf,
  isWasmBackend,
  wasmMemory,
  type KernelArgs,
  type KernelMemory,
  type WasmBackendSurface,
} from './kernel-memory';

type ConvInfo = backend_util.Conv2DInfo;
type Shape4 = [number, number, number, number];
type Dilations = { dilations?: number | [number, number] };

const NCHW_TO_NHWC = [0, 2, 3, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];

interface ConvContext {
  backend: WasmBackendSurface;
  memory: KernelMemory;
}

function wasmContext(args: KernelArgs): ConvContext {
  if (!isWasmBackend(args.backend)) throw new Error('This convolution kernel runs on wasm only.');
  return { backend: args.backend, memory: wasmMemory(args.backend) };
}

function transpose(context: ConvContext, x: TensorInfo, perm: number[]): TensorInfo {
  const args = { inputs: { x }, backend: context.backend, attrs: { perm } };
  return runWasmKernel(Transpose, args) as TensorInfo;
}

function matMul(
  context: ConvContext,
  operands: { a: TensorInfo; b: TensorInfo; transposeA: boolean; transposeB: boolean },
): TensorInfo {
  const { a, b, transposeA, transposeB } = operands;
  const args = { inputs: { a, b }, backend: context.backend, attrs: { transposeA, transposeB } };
  return runWasmKernel(BatchMatMul, args) as TensorInfo;
}

/** The same data seen with another shape of the same size (what Reshape does on wasm). */
function viewAs(info: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: info.dataId, dtype: info.dtype, shape };
}

/** Offset in NHWC input of the patch element for output row `row` and filter tap `tap`, or -1 in padding. */
function inputOffset(info: ConvInfo, row: number, tap: number): number {
  const outColumn = row % info.outWidth;
  const rest = (row - outColumn) / info.outWidth;
  const outRow = rest % info.outHeight;
  const batch = (rest - outRow) / info.outHeight;
  const filterColumn = tap % info.filterWidth;
  const filterRow = (tap - filterColumn) / info.filterWidth;
  const inRow = outRow * info.strideHeight - info.padInfo.top + filterRow * info.dilationHeight;
  const inColumn =
    outColumn * info.strideWidth - info.padInfo.left + filterColumn * info.dilationWidth;
  if (inRow < 0 || inRow >= info.inHeight || inColumn < 0 || inColumn >= info.inWidth) return -1;
  return ((batch * info.inHeight + inRow) * info.inWidth + inColumn) * info.inChannels;
}

function patchRows(info: ConvInfo): number {
  return info.batchSize * info.outHeight * info.outWidth;
}

/** Copies `length` values (a patch's channels); a loop beats `set(subarray)` at these sizes. */
function copyChannels(
  from: { x: TypedArray; at: number },
  to: { cols: TypedArray; at: number },
  length: number,
): void {
  for (let channel = 0; channel < length; channel += 1)
    to.cols[to.at + channel] = from.x[from.at + channel]!;
}

/** cols[row, tap, channel] = x at that patch position (0 in padding). */
export function im2col(info: ConvInfo, x: TypedArray, cols: TypedArray): void {
  const taps = info.filterHeight * info.filterWidth;
  const channels = info.inChannels;
  const rows = patchRows(info);
  for (let row = 0; row < rows; row += 1) {
    for (let tap = 0; tap < taps; tap += 1) {
      const at = (row * taps + tap) * channels;
      const from = inputOffset(info, row, tap);
      if (from < 0) cols.fill(0, at, at + channels);
      else copyChannels({ x, at: from }, { cols, at }, channels);
    }
  }
}

/** dx[patch position] += cols[row, tap, channel]: the adjoint of im2col. `dx` must start zeroed. */
export function col2im(info: ConvInfo, cols: TypedArray, dx: TypedArray): void {
  const taps = info.filterHeight * info.filterWidth;
  const channels = info.inChannels;
  const rows = patchRows(info);
  for (let row = 0; row < rows; row += 1) {
    for (let tap = 0; tap < taps; tap += 1) {
      const to = inputOffset(info, row, tap);
      if (to < 0) continue;
      const from = (row * taps + tap) * channels;
      for (let channel = 0; channel < channels; channel += 1) {
        dx[to + channel] = (dx[to + channel] ?? 0) + (cols[from + channel] ?? 0);
      }
    }
  }
}

function convInfoOf(
  shapes: { inShape: Shape4; filterShape: Shape4 },
  attrs: Conv2DBackpropFilterAttrs & Dilations,
): ConvInfo {
  return backend_util.computeConv2DInfo(
    shapes.inShape,
    shapes.filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

function filterGradientNhwc(
  context: ConvContext,
  tensors: { x: TensorInfo; dy: TensorInfo },
  attrs: Conv2DBackpropFilterAttrs & Dilations,
): TensorInfo {
  const filterShape = attrs.filterShape;
  const info = convInfoOf({ inShape: tensors.x.shape as Shape4, filterShape }, attrs);
  const rows = patchRows(info);
  const width = info.filterHeight * info.filterWidth * info.inChannels;
  const cols = context.memory.allocate([rows, width], 'float32');
  im2col(info, context.memory.read(tensors.x), context.memory.read(cols.info));
  const dyRows = viewAs(tensors.dy, [rows, info.outChannels]);
  // dWᵀ = dYᵀ·cols rather than dW = colsᵀ·dY: the operand to transpose is then dY, a third of cols.
  const productT = matMul(context, {
    a: dyRows,
    b: cols.info,
    transposeA: true,
    transposeB: false,
  });
  context.memory.release(cols.info);
  const product = transpose(context, productT, [1, 0]);
  context.memory.release(productT);
  return viewAs(product, [...info.filterShape]);
}

export function conv2DBackpropFilter(args: KernelArgs): TensorInfo {
  const context = wasmContext(args);
  const attrs = attrsOf<Conv2DBackpropFilterAttrs & Dilations>(args);
  const x = inputOf(args, 'x');
  const dy = inputOf(args, 'dy');
  if (attrs.dataFormat !== 'NCHW') return filterGradientNhwc(context, { x, dy }, attrs);
  const xNhwc = transpose(context, x, NCHW_TO_NHWC);
  const dyNhwc = transpose(context, dy, NCHW_TO_NHWC);
  try {
    return filterGradientNhwc(context, { x: xNhwc, dy: dyNhwc }, attrs);
  } finally {
    context.memory.release(xNhwc);
    context.memory.release(dyNhwc);
  }
}

function inputGradientNhwc(
  context: ConvContext,
  tensors: { dy: TensorInfo; filter: TensorInfo; inShape: Shape4 },
  attrs: Conv2DBackpropInputAttrs & Dilations,
): TensorInfo {
  const filterShape = tensors.filter.shape as Shape4;
  const info = convInfoOf({ inShape: tensors.inShape, filterShape }, { ...attrs, filterShape });
  const rows = patchRows(info);
  const width = info.filterHeight * info.filterWidth * info.inChannels;
  const dyRows = viewAs(tensors.dy, [rows, info.outChannels]);
  const filterRows = viewAs(tensors.filter, [width, info.outChannels]);
  const cols = matMul(context, { a: dyRows, b: filterRows, transposeA: false, transposeB: true });
  const dx = context.memory.allocate([...tensors.inShape], 'float32');
  dx.values.fill(0);
  col2im(info, context.memory.read(cols), context.memory.read(dx.info));
  context.memory.release(cols);
  return dx.info;
}

export function conv2DBackpropInput(args: KernelArgs): TensorInfo {
  const context = wasmContext(args);
  const attrs = attrsOf<Conv2DBackpropInputAttrs & Dilations>(args);
  const dy = inputOf(args, 'dy');
  const filter = inputOf(args, 'filter');
  if (attrs.dataFormat !== 'NCHW') {
    return inputGradientNhwc(context, { dy, filter, inShape: attrs.inputShape }, attrs);
  }
  const [batch, channels, height, width] = attrs.inputShape;
  const dyNhwc = transpose(context, dy, NCHW_TO_NHWC);
  const inShape: Shape4 = [batch, height, width, channels];
  const dxNhwc = inputGradientNhwc(context, { dy: dyNhwc, filter, inShape }, attrs);
  const dx = transpose(context, dxNhwc, NHWC_TO_NCHW);
  context.memory.release(dyNhwc);
  context.memory.release(dxNhwc);
  return dx;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};

export const conv2DBackpropInputKernelName = Conv2DBackpropInput;
