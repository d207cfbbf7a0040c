import { getKernel } from '@tensorflow/tfjs-core';
import { initialiseTensorflow } from '../backend/initialise-tensorflow';
import {
  maxAbsDifference,
  randomFloats,
  randomInts,
  runKernelOn,
  type KernelInput,
} from './kernel-test-support';

const TOLERANCE = 1e-5;

async function expectSameOnWasmAndCpu(call: {
  kernelName: string;
  inputs: Record<string, KernelInput>;
  attrs?: object;
}): Promise<void> {
  const onWasm = await runKernelOn('wasm', call);
  const onCpu = await runKernelOn('cpu', call);
  expect(onWasm).toHaveLength(onCpu.length);
  onCpu.forEach((expected, index) => {
    const actual = onWasm[index]!;
    expect(actual.shape).toEqual(expected.shape);
    expect(maxAbsDifference(actual, expected)).toBeLessThanOrEqual(TOLERANCE);
  });
}

beforeAll(async () => {
  await initialiseTensorflow({ prefer: 'wasm' });
});

describe('wasm training kernels', () => {
  it('registers the kernels wasm lacks', () => {
    expect(getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    expect(getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  describe('UnsortedSegmentSum', () => {
    it.each([
      { name: 'embedding gradient rows', x: [12, 4], ids: [12], numSegments: 7 },
      { name: 'more segments than rows', x: [3, 5], ids: [3], numSegments: 9 },
      { name: 'scalar slices', x: [10], ids: [10], numSegments: 4 },
    ])('matches cpu: $name', async ({ x, ids, numSegments }) => {
      await expectSameOnWasmAndCpu({
        kernelName: 'UnsortedSegmentSum',
        inputs: {
          x: randomFloats(x, 1),
          segmentIds: randomInts(ids, { seed: 2, below: numSegments }),
        },
        attrs: { numSegments },
      });
    });

    it('takes ids of rank 2 (against cpu on the flattened ids; cpu cannot broadcast them)', async () => {
      const x = randomFloats([2, 3, 4], 1);
      const segmentIds = randomInts([2, 3], { seed: 2, below: 5 });
      const [onWasm] = await runKernelOn('wasm', {
        kernelName: 'UnsortedSegmentSum',
        inputs: { x, segmentIds },
        attrs: { numSegments: 5 },
      });
      const [onCpu] = await runKernelOn('cpu', {
        kernelName: 'UnsortedSegmentSum',
        inputs: { x: { ...x, shape: [6, 4] }, segmentIds: { ...segmentIds, shape: [6] } },
        attrs: { numSegments: 5 },
      });
      expect(maxAbsDifference(onWasm!, onCpu!)).toBeLessThanOrEqual(TOLERANCE);
    });

    it('drops ids outside [0, numSegments), as TensorFlow does', async () => {
      const x: KernelInput = {
        values: Float32Array.from([1, 2, 3, 4]),
        shape: [4],
        dtype: 'float32',
      };
      const segmentIds: KernelInput = {
        values: Int32Array.from([0, -1, 2, 1]),
        shape: [4],
        dtype: 'int32',
      };
      const [sums] = await runKernelOn('wasm', {
        kernelName: 'UnsortedSegmentSum',
        inputs: { x, segmentIds },
        attrs: { numSegments: 2 },
      });
      expect([...sums!.values]).toEqual([1, 4]);
    });

    it('sums int32 values too', async () => {
      const x: KernelInput = { values: Int32Array.from([1, 2, 3, 4]), shape: [4], dtype: 'int32' };
      const segmentIds = randomInts([4], { seed: 3, below: 2 });
      await expectSameOnWasmAndCpu({
        kernelName: 'UnsortedSegmentSum',
        inputs: { x, segmentIds },
        attrs: { numSegments: 2 },
      });
    });
  });

  describe('Conv2DBackpropFilter', () => {
    it.each([
      { name: 'Conv1D shape, same', x: [3, 1, 9, 4], f: [1, 3, 4, 5], strides: 1, pad: 'same' },
      { name: 'valid, stride 2', x: [2, 7, 8, 3], f: [3, 2, 3, 4], strides: 2, pad: 'valid' },
      {
        name: 'same, strides [2,1]',
        x: [2, 6, 5, 2],
        f: [2, 3, 2, 3],
        strides: [2, 1],
        pad: 'same',
      },
      {
        name: 'explicit padding',
        x: [2, 5, 6, 2],
        f: [3, 3, 2, 2],
        strides: 1,
        pad: [
          [0, 0],
          [1, 2],
          [0, 1],
          [0, 0],
        ],
      },
    ])('matches cpu: $name (NHWC)', async ({ x, f, strides, pad }) => {
      const attrs = { strides, pad, dataFormat: 'NHWC', filterShape: f };
      const dyShape = await forwardOutputShape({ x, f, strides, pad });
      await expectSameOnWasmAndCpu({
        kernelName: 'Conv2DBackpropFilter',
        inputs: { x: randomFloats(x, 4), dy: randomFloats(dyShape, 5) },
        attrs,
      });
    });

    it('matches cpu for NCHW', async () => {
      const attrs = { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 4] };
      await expectSameOnWasmAndCpu({
        kernelName: 'Conv2DBackpropFilter',
        inputs: { x: randomFloats([2, 2, 5, 6], 6), dy: randomFloats([2, 4, 5, 6], 7) },
        attrs,
      });
    });

    it('honours dilations (against cpu on the equivalent zero-stuffed filter)', async () => {
      // A k-tap filter dilated by d equals a (k-1)·d+1-tap filter with zeros between the taps, so
      // its gradient is the undilated gradient of the wide filter read at every d-th tap.
      const x = randomFloats([2, 1, 11, 3], 8);
      const dy = randomFloats([2, 1, 11, 2], 9);
      const dilated = await runKernelOn('wasm', {
        kernelName: 'Conv2DBackpropFilter',
        inputs: { x, dy },
        attrs: {
          strides: 1,
          pad: 'same',
          dataFormat: 'NHWC',
          filterShape: [1, 3, 3, 2],
          dilations: [1, 2],
        },
      });
      const wide = await runKernelOn('cpu', {
        kernelName: 'Conv2DBackpropFilter',
        inputs: { x, dy },
        attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [1, 5, 3, 2] },
      });
      const everySecondTap = Float32Array.from(
        [0, 2, 4].flatMap((tap) => [...wide[0]!.values.slice(tap * 6, tap * 6 + 6)]),
      );
      expect(
        maxAbsDifference(dilated[0]!, { values: everySecondTap, shape: [1, 3, 3, 2] }),
      ).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  describe('Conv2DBackpropInput', () => {
    it.each([
      { name: 'Conv1D shape, same', x: [3, 1, 9, 4], f: [1, 3, 4, 5], strides: 1, pad: 'same' },
      { name: 'valid, stride 2', x: [2, 7, 8, 3], f: [3, 2, 3, 4], strides: 2, pad: 'valid' },
      {
        name: 'same, strides [1,2]',
        x: [1, 6, 7, 2],
        f: [2, 3, 2, 3],
        strides: [1, 2],
        pad: 'same',
      },
    ])('matches cpu: $name', async ({ x, f, strides, pad }) => {
      const dyShape = await forwardOutputShape({ x, f, strides, pad });
      await expectSameOnWasmAndCpu({
        kernelName: 'Conv2DBackpropInput',
        inputs: { dy: randomFloats(dyShape, 10), filter: randomFloats(f, 11) },
        attrs: { strides, pad, dataFormat: 'NHWC', inputShape: x },
      });
    });

    it('matches cpu for NCHW', async () => {
      await expectSameOnWasmAndCpu({
        kernelName: 'Conv2DBackpropInput',
        inputs: { dy: randomFloats([2, 4, 5, 6], 12), filter: randomFloats([3, 3, 2, 4], 13) },
        attrs: { strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [2, 2, 5, 6] },
      });
    });
  });

  describe('faster replacements of stock kernels', () => {
    it.each([
      { name: 'rows of a matrix', x: [9, 4], indices: [6], axis: 0, batchDims: 0 },
      { name: 'a 2-D index tensor', x: [9, 3], indices: [2, 5], axis: 0, batchDims: 0 },
      { name: 'along an inner axis', x: [3, 7, 2], indices: [4], axis: 1, batchDims: 0 },
      { name: 'with batch dimensions', x: [2, 6, 3], indices: [2, 4], axis: 1, batchDims: 1 },
    ])('GatherV2 matches cpu: $name', async ({ x, indices, axis, batchDims }) => {
      const dimSize = x[axis]!;
      await expectSameOnWasmAndCpu({
        kernelName: 'GatherV2',
        inputs: {
          x: randomFloats(x, 14),
          indices: randomInts(indices, { seed: 15, below: dimSize }),
        },
        attrs: { axis, batchDims },
      });
    });

    it('GatherV2 still refuses an index out of range', async () => {
      const call = {
        kernelName: 'GatherV2',
        inputs: {
          x: randomFloats([3, 2], 16),
          indices: { values: Int32Array.from([0, 3]), shape: [2], dtype: 'int32' as const },
        },
        attrs: { axis: 0, batchDims: 0 },
      };
      await expect(runKernelOn('wasm', call)).rejects.toThrow(/not in \[0, 2\]/);
    });

    it.each([
      { a: [5, 3], b: [5, 4], transposeA: true, transposeB: false },
      { a: [5, 3], b: [4, 3], transposeA: false, transposeB: true },
      { a: [3, 5], b: [4, 3], transposeA: true, transposeB: true },
      { a: [2, 6, 3], b: [2, 6, 4], transposeA: true, transposeB: false },
      { a: [2, 3, 6], b: [1, 4, 6], transposeA: false, transposeB: true },
    ])(
      'BatchMatMul matches cpu: $a × $b (transposeA=$transposeA, transposeB=$transposeB)',
      async (c) => {
        await expectSameOnWasmAndCpu({
          kernelName: 'BatchMatMul',
          inputs: { a: randomFloats(c.a, 17), b: randomFloats(c.b, 18) },
          attrs: { transposeA: c.transposeA, transposeB: c.transposeB },
        });
      },
    );

    it.each([
      { x: [4, 5, 6], begin: [1, 0, 0], size: [2, 5, 6] },
      { x: [4, 5, 6], begin: [1, 2, 3], size: [2, 3, 2] },
      { x: [7], begin: [2], size: [4] },
      { x: [3, 4], begin: [0, 1], size: [3, 2] },
    ])('Slice matches cpu: $size from $begin of $x', async ({ x, begin, size }) => {
      await expectSameOnWasmAndCpu({
        kernelName: 'Slice',
        inputs: { x: randomFloats(x, 19) },
        attrs: { begin, size },
      });
    });

    it.each([0, 1, 2])('Unpack matches cpu along axis %i', async (axis) => {
      await expectSameOnWasmAndCpu({
        kernelName: 'Unpack',
        inputs: { value: randomFloats([3, 4, 2], 20) },
        attrs: { axis },
      });
    });

    it.each([
      { axis: 1, numOrSizeSplits: [2, 3, 1] },
      { axis: 0, numOrSizeSplits: 2 },
      { axis: -1, numOrSizeSplits: [1, -1] },
    ])('SplitV matches cpu: $numOrSizeSplits along $axis', async ({ axis, numOrSizeSplits }) => {
      await expectSameOnWasmAndCpu({
        kernelName: 'SplitV',
        inputs: { x: randomFloats([4, 6, 3], 21) },
        attrs: { axis, numOrSizeSplits },
      });
    });
  });
});

async function forwardOutputShape(c: {
  x: number[];
  f: number[];
  strides: number | number[];
  pad: unknown;
}): Promise<number[]> {
  const [output] = await runKernelOn('cpu', {
    kernelName: 'Conv2D',
    inputs: { x: randomFloats(c.x, 0), filter: randomFloats(c.f, 0) },
    attrs: { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: 1 },
  });
  return output!.shape;
}
