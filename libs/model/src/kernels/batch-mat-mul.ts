/**
 * BatchMatMul for wasm with transposed operands, by materialising the transpose and running the stock
 * (XNNPACK) kernel on plain operands.
 *
 * Why: the stock wasm kernel falls back to a naive loop whenever transposeA or transposeB is set:
 * [256, 106]ᵀ × [256, 64] took ≈ 2.6 ms against ≈ 0.2 ms untransposed. Every Dense layer's backward
 * pass multiplies by a transposed operand (dX = dY·Wᵀ, dW = Xᵀ·dY), as does every recurrent step.
 */
import {
  BatchMatMul,
  Transpose,
  getKernel,
  type BatchMatMulAttrs,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { attrsOf, inputOf, isWasmBackend, type KernelArgs } from './kernel-memory';

function kernelFuncOf(kernelName: string): KernelFunc {
  const config = getKernel(kernelName, 'wasm');
  if (config === undefined) throw new Error(`The wasm backend has no '${kernelName}' kernel.`);
  return config.kernelFunc;
}

/** Swaps the two innermost dimensions into a new tensor the caller must release. */
function transposeInnermost(args: { x: TensorInfo; backend: object }): TensorInfo {
  const rank = args.x.shape.length;
  const perm = [...Array(rank).keys()].map((axis) => {
    if (axis === rank - 1) return rank - 2;
    if (axis === rank - 2) return rank - 1;
    return axis;
  });
  return kernelFuncOf(Transpose)({
    inputs: { x: args.x },
    backend: args.backend,
    attrs: { perm },
  }) as TensorInfo;
}

/** Builds the replacement kernel around the stock one, which it calls for the actual product. */
export function batchMatMulWithoutTransposes(stock: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const { transposeA, transposeB } = attrsOf<BatchMatMulAttrs>(args);
    if ((!transposeA && !transposeB) || !isWasmBackend(args.backend)) return stock(args);
    const backend = args.backend;
    const a = inputOf(args, 'a');
    const b = inputOf(args, 'b');
    const plainA = transposeA ? transposeInnermost({ x: a, backend }) : a;
    const plainB = transposeB ? transposeInnermost({ x: b, backend }) : b;
    try {
      return stock({
        inputs: { a: plainA, b: plainB },
        backend,
        attrs: { transposeA: false, transposeB: false },
      });
    } finally {
      if (transposeA) backend.disposeData(plainA.dataId);
      if (transposeB) backend.disposeData(plainB.dataId);
    }
  };
}

export const batchMatMulKernelName = BatchMatMul;

/** Runs the currently registered wasm kernel of that name (used by the convolution kernels). */
export function runWasmKernel(kernelName: string, args: KernelArgs): TensorInfo | TensorInfo[] {
  return kernelFuncOf(kernelName)(args);
}
