/**
 * Runs one kernel on a named backend with plain-array inputs and returns plain values, so a spec can
 * compare the wasm kernels with cpu's.
 */
import {
  engine,
  setBackend,
  tensor,
  type DataType,
  type NamedAttrMap,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { seededRandom } from '../random';

export interface KernelInput {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype: DataType;
}

export interface KernelOutput {
  values: Float32Array | Int32Array | Uint8Array;
  shape: number[];
}

export async function runKernelOn(
  backend: 'wasm' | 'cpu',
  call: { kernelName: string; inputs: Record<string, KernelInput>; attrs?: object },
): Promise<KernelOutput[]> {
  await setBackend(backend);
  const inputs: Record<string, Tensor> = {};
  for (const [name, input] of Object.entries(call.inputs)) {
    inputs[name] = tensor(input.values, input.shape, input.dtype);
  }
  const result = engine().runKernel(call.kernelName, inputs, call.attrs as NamedAttrMap);
  const outputs = Array.isArray(result) ? result : [result];
  const values = outputs.map((output) => ({
    values: output.dataSync(),
    shape: output.shape,
  }));
  for (const output of [...outputs, ...Object.values(inputs)]) output.dispose();
  return values;
}

export function randomFloats(shape: number[], seed: number): KernelInput {
  const random = seededRandom(seed);
  const size = shape.reduce((product, extent) => product * extent, 1);
  const values = Float32Array.from({ length: size }, () => random.normal());
  return { values, shape, dtype: 'float32' };
}

export function randomInts(shape: number[], options: { seed: number; below: number }): KernelInput {
  const random = seededRandom(options.seed);
  const size = shape.reduce((product, extent) => product * extent, 1);
  const values = Int32Array.from({ length: size }, () => random.below(options.below));
  return { values, shape, dtype: 'int32' };
}

/** Largest absolute difference, or Infinity when the shapes differ. */
export function maxAbsDifference(actual: KernelOutput, expected: KernelOutput): number {
  if (actual.shape.join() !== expected.shape.join()) return Infinity;
  let largest = 0;
  for (let index = 0; index < expected.values.length; index += 1) {
    largest = Math.max(
      largest,
      Math.abs((actual.values[index] ?? NaN) - (expected.values[index] ?? NaN)),
    );
  }
  return largest;
}
