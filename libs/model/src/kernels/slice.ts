/**
 * Slice, Unpack and SplitV for wasm, replacing the stock kernels (same results).
 *
 * Why: the stock wasm Slice copies its WHOLE input out of the heap (readSync) before taking the slice,
 * and Unpack and SplitV slice once per output. A GRU/LSTM over 50 steps unstacks [50, batch, units]
 * and splits its gates at every step, so each training step copied the sequence ≈ 50 times over. These
 * read the heap in place and copy only what they return.
 */
import {
  backend_util,
  slice_util,
  util,
  type SliceAttrs,
  type SplitVAttrs,
  type TensorInfo,
  type UnpackAttrs,
} from '@tensorflow/tfjs-core';
import {
  attrsOf,
  inputOf,
  memoryOf,
  stridesOf,
  type KernelArgs,
  type KernelMemory,
} from './kernel-memory';

interface SliceRequest {
  x: TensorInfo;
  begin: readonly number[];
  size: readonly number[];
}

/**
 * Copies a slice as a few contiguous blocks: the trailing dimensions taken whole are one block, so
 * slicing time step t out of [time, batch, units] is a single copy.
 */
export function copySlice(memory: KernelMemory, request: SliceRequest): TensorInfo {
  const { x, begin, size } = request;
  const out = memory.allocate([...size], x.dtype);
  if (util.sizeFromShape([...size]) === 0) return out.info;
  const source = memory.read(x);
  const target = memory.read(out.info);
  if (x.shape.length === 0) {
    target[0] = source[0] ?? 0;
    return out.info;
  }
  const strides = stridesOf(x.shape);
  let blockDimension = x.shape.length - 1;
  while (blockDimension > 0 && size[blockDimension] === x.shape[blockDimension])
    blockDimension -= 1;
  const blockLength = (size[blockDimension] ?? 0) * (strides[blockDimension] ?? 1);
  let written = 0;
  const visit = (dimension: number, offset: number): void => {
    const start = offset + (begin[dimension] ?? 0) * (strides[dimension] ?? 1);
    if (dimension === blockDimension) {
      target.set(source.subarray(start, start + blockLength), written);
      written += blockLength;
      return;
    }
    for (let index = 0; index < (size[dimension] ?? 0); index += 1) {
      visit(dimension + 1, start + index * (strides[dimension] ?? 1));
    }
  };
  visit(0, 0);
  return out.info;
}

export function slice(args: KernelArgs): TensorInfo {
  const x = inputOf(args, 'x');
  const attrs = attrsOf<SliceAttrs>(args);
  const [begin = [], size = []] = slice_util.parseSliceParams(x, attrs.begin, attrs.size);
  return copySlice(memoryOf(args.backend), { x, begin, size });
}

export function unpack(args: KernelArgs): TensorInfo[] {
  const value = inputOf(args, 'value');
  const axis = util.parseAxisParam(attrsOf<UnpackAttrs>(args).axis, value.shape)[0] ?? 0;
  const memory = memoryOf(args.backend);
  const outShape = value.shape.filter((_, dimension) => dimension !== axis);
  const size = value.shape.map((extent, dimension) => (dimension === axis ? 1 : extent));
  const outputs: TensorInfo[] = [];
  for (let index = 0; index < (value.shape[axis] ?? 0); index += 1) {
    const begin = value.shape.map((_, dimension) => (dimension === axis ? index : 0));
    const piece = copySlice(memory, { x: value, begin, size });
    outputs.push({ ...piece, shape: outShape });
  }
  return outputs;
}

export function splitV(args: KernelArgs): TensorInfo[] {
  const x = inputOf(args, 'x');
  const attrs = attrsOf<SplitVAttrs>(args);
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0] ?? 0;
  const sizes = backend_util.prepareSplitSize(x, attrs.numOrSizeSplits, axis);
  const memory = memoryOf(args.backend);
  let start = 0;
  return sizes.map((extent) => {
    const begin = x.shape.map((_, dimension) => (dimension === axis ? start : 0));
    const size = x.shape.map((full, dimension) => (dimension === axis ? extent : full));
    start += extent;
    return copySlice(memory, { x, begin, size });
  });
}
