/**
 * Registers the kernels training needs on wasm (and one on cpu). Two kinds:
 *  - missing: tfjs-backend-wasm has no kernel, so the gradient cannot run at all;
 *  - faster: the stock kernel exists but hits a slow path that dominated a training step.
 * Every replacement computes the same values as the stock kernel (the specs compare them with cpu).
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  getKernel,
  registerKernel,
  unregisterKernel,
  type KernelConfig,
  type KernelFunc,
} from '@tensorflow/tfjs-core';
import { batchMatMulKernelName, batchMatMulWithoutTransposes } from './batch-mat-mul';
import {
  conv2DBackpropFilterConfig,
  conv2DBackpropInput,
  conv2DBackpropInputKernelName,
} from './conv2d-backprop';
import { gatherV2, gatherV2KernelName } from './gather';
import { identityKernelName, sharingIdentity } from './identity';
import { slice, splitV, unpack } from './slice';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

export interface KernelRegistration {
  kernelName: string;
  backendName: 'wasm' | 'cpu';
  /** `missing`: the backend had none; `faster`: replaces a slow stock kernel; `stock`: kept the backend's own. */
  kind: 'missing' | 'faster' | 'stock';
  reason: string;
}

interface Replacement {
  kernelName: string;
  backendName: 'wasm' | 'cpu';
  reason: string;
  /** Builds the new kernel function; receives the stock one for cases it leaves to it. */
  build: (stock: KernelFunc) => KernelFunc;
}

const MISSING: ReadonlyArray<{ config: KernelConfig; reason: string }> = [
  {
    config: unsortedSegmentSumConfig('wasm'),
    reason: 'gradient of gather: every Embedding layer',
  },
  { config: conv2DBackpropFilterConfig, reason: 'filter gradient of Conv1D/Conv2D' },
];

const REPLACEMENTS: readonly Replacement[] = [
  {
    kernelName: gatherV2KernelName,
    backendName: 'wasm',
    reason: 'stock copies element by element (≈ 18× slower for embedding lookups)',
    build: () => gatherV2,
  },
  {
    kernelName: batchMatMulKernelName,
    backendName: 'wasm',
    reason: 'stock falls back to a naive loop for transposed operands (every backward matmul)',
    build: batchMatMulWithoutTransposes,
  },
  {
    kernelName: identityKernelName,
    backendName: 'wasm',
    reason: 'stock copies; tfjs clones (Identity) every tensor it keeps for a gradient',
    build: sharingIdentity,
  },
  {
    kernelName: 'Slice',
    backendName: 'wasm',
    reason: 'stock copies the whole input out of the heap for every slice',
    build: () => slice,
  },
  {
    kernelName: 'Unpack',
    backendName: 'wasm',
    reason: 'stock slices through the whole-input copy once per output (RNN time steps)',
    build: () => unpack,
  },
  {
    kernelName: 'SplitV',
    backendName: 'wasm',
    reason: 'stock slices through the whole-input copy once per output (RNN gates)',
    build: () => splitV,
  },
  {
    kernelName: conv2DBackpropInputKernelName,
    backendName: 'wasm',
    reason: 'stock is a naive loop (≈ 15× slower than im2col + matmul)',
    build: () => conv2DBackpropInput,
  },
  {
    kernelName: unsortedSegmentSumConfig('cpu').kernelName,
    backendName: 'cpu',
    reason: 'stock runs four whole-tensor ops per segment: O(vocabulary × batch) per step',
    build: () => unsortedSegmentSumConfig('cpu').kernelFunc,
  },
];

/** Kernel functions this module registered, so a second call changes nothing. */
const ours = new Set<KernelFunc>();

function registerMissing(entry: { config: KernelConfig; reason: string }): KernelRegistration {
  const { kernelName, backendName } = entry.config;
  const existing = getKernel(kernelName, backendName);
  const base = { kernelName, backendName: backendName as 'wasm' | 'cpu', reason: entry.reason };
  if (existing !== undefined && !ours.has(existing.kernelFunc)) return { ...base, kind: 'stock' };
  if (existing === undefined) {
    registerKernel(entry.config);
    ours.add(entry.config.kernelFunc);
  }
  return { ...base, kind: 'missing' };
}

function replace(entry: Replacement): KernelRegistration {
  const { kernelName, backendName, reason } = entry;
  const stock = getKernel(kernelName, backendName);
  if (stock === undefined) throw new Error(`No stock '${kernelName}' kernel on ${backendName}.`);
  if (!ours.has(stock.kernelFunc)) {
    const kernelFunc = entry.build(stock.kernelFunc);
    unregisterKernel(kernelName, backendName);
    // Keep the stock setup/dispose hooks: a replacement may still call the stock kernel.
    registerKernel({ ...stock, kernelFunc });
    ours.add(kernelFunc);
  }
  return { kernelName, backendName, kind: 'faster', reason };
}

/**
 * Registers the missing and the faster kernels for the wasm backend. Idempotent; initialiseTensorflow
 * calls it before it starts wasm.
 */
export function registerWasmTrainingKernels(): readonly KernelRegistration[] {
  const wasmReplacements = REPLACEMENTS.filter((entry) => entry.backendName === 'wasm');
  return [...MISSING.map(registerMissing), ...wasmReplacements.map(replace)];
}

/**
 * Registers the faster UnsortedSegmentSum for the cpu backend (the stock one makes embedding training
 * impractically slow). Idempotent; initialiseTensorflow calls it when it falls back to cpu.
 */
export function registerCpuTrainingKernels(): readonly KernelRegistration[] {
  return REPLACEMENTS.filter((entry) => entry.backendName === 'cpu').map(replace);
}
