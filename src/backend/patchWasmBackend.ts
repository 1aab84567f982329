import { installWasmConv2DBackpropFilter } from "./wasmConv2DBackpropFilter.js";
import { installWasmMatMulOverride } from "./wasmMatMulOverride.js";
import { installWasmUnsortedSegmentSum } from "./wasmUnsortedSegmentSum.js";
import { installWasmZeroCopyKernels } from "./wasmZeroCopyKernels.js";

/** Which sparsekit fixes were applied by this call (all false on a repeated call). */
export interface WasmPatchReport {
  matMulOverride: boolean;
  zeroCopyKernels: boolean;
  conv2DBackpropFilter: boolean;
  unsortedSegmentSum: boolean;
}

/**
 * Applies every sparsekit fix to the tfjs wasm backend: the fast transposed matmul
 * (wasmMatMulOverride.ts), buffer sharing instead of copies for Identity and same-dtype Cast
 * (wasmZeroCopyKernels.ts), and the two kernels wasm lacks for training
 * (Conv2DBackpropFilter, UnsortedSegmentSum). Idempotent. Call after `@tensorflow/tfjs-backend-wasm` is imported;
 * `initBackend` does this whenever it selects wasm.
 */
export function patchWasmBackend(): WasmPatchReport {
  return {
    matMulOverride: installWasmMatMulOverride(),
    zeroCopyKernels: installWasmZeroCopyKernels(),
    conv2DBackpropFilter: installWasmConv2DBackpropFilter(),
    unsortedSegmentSum: installWasmUnsortedSegmentSum(),
  };
}
