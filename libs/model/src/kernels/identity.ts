/**
 * Identity for wasm that shares the input's memory (reference-counted), as the cpu and webgl backends
 * and wasm's own Reshape do, instead of copying it.
 *
 * Why: tfjs clones every tensor a gradient needs (saveTensorsForBackwardMode → Identity), and the
 * stock wasm Identity copies the bytes: ≈ 1 ms per training step for a pooling ranker, far more for an
 * RNN, which saves tensors at every time step. tfjs tensors are immutable, so sharing is safe.
 */
import { Identity, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { inputOf, type KernelArgs } from './kernel-memory';

interface ReferenceCounting {
  incRef(dataId: object): void;
}

function canShare(backend: unknown): backend is ReferenceCounting {
  return typeof (backend as Partial<ReferenceCounting> | null)?.incRef === 'function';
}

export function sharingIdentity(stock: KernelFunc): KernelFunc {
  return (args: KernelArgs): TensorInfo | TensorInfo[] => {
    const x = inputOf(args, 'x');
    // Strings live outside the heap; leave them to the stock kernel.
    if (x.dtype === 'string' || !canShare(args.backend)) return stock(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

export const identityKernelName = Identity;
