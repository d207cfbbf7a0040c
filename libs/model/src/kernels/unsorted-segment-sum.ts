/**
 * UnsortedSegmentSum: out[s, ...] = Σ x[i, ...] over every i with segmentIds[i] = s.
 *
 * Why: the gradient of a gather (every Embedding layer) is an UnsortedSegmentSum, and tfjs-backend-wasm
 * has no such kernel, so no embedding can train on wasm without it. The stock cpu kernel loops over
 * every segment with four whole-tensor ops each (O(numSegments × size)), which makes an embedding over a
 * real vocabulary untrainable on cpu too; this one is a single pass, O(size + numSegments × slice).
 * Ids outside [0, numSegments) are dropped, as TensorFlow does.
 */
import {
  UnsortedSegmentSum,
  type KernelConfig,
  type TensorInfo,
  type TypedArray,
  type UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs-core';
import { attrsOf, inputOf, memoryOf, sizeOf, type KernelArgs } from './kernel-memory';

export interface SegmentSumInput {
  values: TypedArray;
  segmentIds: TypedArray;
  /** Elements per segment id (the product of x's dimensions after the ids' rank). */
  sliceSize: number;
  numSegments: number;
}

/** Adds each slice of `values` into its segment's slice of `into` (which must start zeroed). */
export function accumulateSegments(input: SegmentSumInput, into: TypedArray): void {
  const { values, segmentIds, sliceSize, numSegments } = input;
  // Hot loop: indices stay in range by construction (checked segment, sizes from the shapes).
  for (let position = 0; position < segmentIds.length; position += 1) {
    const segment = segmentIds[position]!;
    if (segment < 0 || segment >= numSegments) continue;
    const from = position * sliceSize;
    const to = segment * sliceSize;
    for (let offset = 0; offset < sliceSize; offset += 1) {
      into[to + offset] = into[to + offset]! + values[from + offset]!;
    }
  }
}

export function unsortedSegmentSum(args: KernelArgs): TensorInfo {
  const x = inputOf(args, 'x');
  const segmentIds = inputOf(args, 'segmentIds');
  const { numSegments } = attrsOf<UnsortedSegmentSumAttrs>(args);
  const sliceShape = x.shape.slice(segmentIds.shape.length);
  const memory = memoryOf(args.backend);
  const out = memory.allocate([numSegments, ...sliceShape], x.dtype);
  out.values.fill(0);
  const input = {
    values: memory.read(x),
    segmentIds: memory.read(segmentIds),
    sliceSize: sizeOf(sliceShape),
    numSegments,
  };
  accumulateSegments(input, memory.read(out.info));
  return out.info;
}

export function unsortedSegmentSumConfig(backendName: 'wasm' | 'cpu'): KernelConfig {
  return { kernelName: UnsortedSegmentSum, backendName, kernelFunc: unsortedSegmentSum };
}
