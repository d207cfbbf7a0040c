/**
 * The little a JavaScript kernel needs from a backend: read an input's values, allocate an output and
 * fill it, release an intermediate. One adapter per backend, so one kernel body serves wasm and cpu.
 */
import type { DataType, KernelFunc, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';

export interface AllocatedTensor {
  info: TensorInfo;
  /** Writable values of the new tensor (a view of the wasm heap, or the cpu backend's own array). */
  values: TypedArray;
}

export interface KernelMemory {
  /**
   * A new tensor to fill. On wasm an allocation can grow the heap, which detaches every view taken
   * before it: allocate first, then `read` the inputs.
   */
  allocate(shape: number[], dtype: DataType): AllocatedTensor;
  /** The values of a tensor, without copying where the backend allows it. Treat as read-only. */
  read(info: TensorInfo): TypedArray;
  /** Frees an intermediate tensor the kernel allocated and does not return. */
  release(info: TensorInfo): void;
}

/** The public methods of tfjs-backend-wasm's BackendWasm that our kernels use. */
export interface WasmBackendSurface {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): TypedArray;
  disposeData(dataId: object): boolean;
}

/** The public methods of tfjs-backend-cpu's MathBackendCPU that our kernels use. */
interface CpuBackendSurface {
  makeTensorInfo(shape: number[], dtype: DataType, values?: TypedArray): TensorInfo;
  readSync(dataId: object): unknown;
  disposeIntermediateTensorInfo(info: TensorInfo): void;
}

export function isWasmBackend(backend: unknown): backend is WasmBackendSurface {
  return hasMethods(backend, ['makeOutput', 'typedArrayFromHeap', 'disposeData']);
}

function isCpuBackend(backend: unknown): backend is CpuBackendSurface {
  return hasMethods(backend, ['makeTensorInfo', 'readSync', 'disposeIntermediateTensorInfo']);
}

function hasMethods(value: unknown, names: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return names.every((name) => typeof record[name] === 'function');
}

export function wasmMemory(backend: WasmBackendSurface): KernelMemory {
  return {
    allocate: (shape, dtype) => {
      const info = backend.makeOutput(shape, dtype);
      return { info, values: backend.typedArrayFromHeap(info) };
    },
    read: (info) => backend.typedArrayFromHeap(info),
    release: (info) => {
      backend.disposeData(info.dataId);
    },
  };
}

function cpuMemory(backend: CpuBackendSurface): KernelMemory {
  return {
    allocate: (shape, dtype) => {
      const values = newTypedArray(dtype, sizeOf(shape));
      // The cpu backend keeps the array it is given, so filling it afterwards fills the tensor.
      return { info: backend.makeTensorInfo(shape, dtype, values), values };
    },
    read: (info) => backend.readSync(info.dataId) as TypedArray,
    release: (info) => backend.disposeIntermediateTensorInfo(info),
  };
}

export function memoryOf(backend: unknown): KernelMemory {
  if (isWasmBackend(backend)) return wasmMemory(backend);
  if (isCpuBackend(backend)) return cpuMemory(backend);
  throw new Error('A JavaScript kernel ran on a backend that is neither wasm nor cpu.');
}

export function newTypedArray(dtype: DataType, length: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'bool':
      return new Uint8Array(length);
    case 'complex64':
    case 'string':
      throw new Error(`JavaScript kernels do not handle ${dtype} tensors.`);
  }
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

/** Row-major strides of a shape, including the innermost (1). */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let dimension = shape.length - 1; dimension >= 0; dimension -= 1) {
    strides[dimension] = stride;
    stride *= shape[dimension] ?? 1;
  }
  return strides;
}

/** The arguments tfjs passes to a kernel function. */
export type KernelArgs = Parameters<KernelFunc>[0];

/** A named input that the op guarantees; a missing one is a bug in how the kernel was called. */
export function inputOf(args: KernelArgs, name: string): TensorInfo {
  const input = args.inputs[name];
  if (input === undefined) throw new Error(`Kernel input '${name}' is missing.`);
  return input;
}

/**
 * The attributes as the kernel's typed shape. tfjs types them loosely (`NamedAttrMap`); the op that
 * runs the kernel builds them with exactly this shape, as every built-in kernel also assumes.
 */
export function attrsOf<Attrs>(args: KernelArgs): Attrs {
  return (args.attrs ?? {}) as unknown as Attrs;
}
