import { installWasmCastIdentity } from "./wasmCastIdentity.js";
import { installWasmConv2D } from "./wasmConv2D.js";
import { installWasmConv2DBackpropFilter } from "./wasmConv2DBackpropFilter.js";
import { installWasmConv2DBackpropInput } from "./wasmConv2DBackpropInput.js";
import { installWasmMaxPoolGrad } from "./wasmPoolGradients.js";
import { installWasmSign } from "./wasmSign.js";
import { installWasmSum } from "./wasmSum.js";
import { installWasmMatMulOverride } from "./wasmMatMulOverride.js";
import { installWasmReduceGradients } from "./wasmReduceGradients.js";
import { installWasmTile } from "./wasmTile.js";
import { installWasmUnsortedSegmentSum } from "./wasmUnsortedSegmentSum.js";

/** Which sparsekit fixes were applied by this call (all false on a repeated call). */
export interface WasmPatchReport {
  matMulOverride: boolean;
  castIdentity: boolean;
  tile: boolean;
  reduceGradients: boolean;
  conv2D: boolean;
  conv2DBackpropFilter: boolean;
  unsortedSegmentSum: boolean;
  conv2DBackpropInput: boolean;
  maxPoolGrad: boolean;
  sum: boolean;
  sign: boolean;
}

/**
 * Applies every sparsekit fix to the tfjs wasm backend (each file explains its own measurement):
 * - speed: transposed matmuls through XNNPACK (wasmMatMulOverride.ts), buffer sharing instead of
 *   copies for Identity and same-dtype Cast (wasmCastIdentity.ts), a block-copy Tile
 *   (wasmTile.ts), a SIMD Conv2D for layers with many products per output (wasmConv2D.ts),
 *   Sum/Mean gradients that build their ones with the Fill kernel
 *   (wasmReduceGradients.ts), convolution gradients as XNNPACK convolutions
 *   (wasmConv2DBackpropFilter.ts, wasmConv2DBackpropInput.ts), a one-pass MaxPoolGrad
 *   (wasmPoolGradients.ts), Sum over leading axes without a transpose (wasmSum.ts), a Sign
 *   kernel at the speed of its neighbours (wasmSign.ts);
 * - correctness: fused matmul bias on the transposed/batched path (wasmMatMulOverride.ts), cast
 *   to bool (wasmCastIdentity.ts);
 * - coverage: the kernels wasm lacks for training, Conv2DBackpropFilter and UnsortedSegmentSum.
 * Idempotent. Call after `@tensorflow/tfjs-backend-wasm` is imported; `initBackend` does this
 * whenever it selects wasm.
 */
export function patchWasmBackend(): WasmPatchReport {
  return {
    matMulOverride: installWasmMatMulOverride(),
    castIdentity: installWasmCastIdentity(),
    tile: installWasmTile(),
    reduceGradients: installWasmReduceGradients(),
    conv2D: installWasmConv2D(),
    conv2DBackpropFilter: installWasmConv2DBackpropFilter(),
    unsortedSegmentSum: installWasmUnsortedSegmentSum(),
    conv2DBackpropInput: installWasmConv2DBackpropInput(),
    maxPoolGrad: installWasmMaxPoolGrad(),
    sum: installWasmSum(),
    sign: installWasmSign(),
  };
}
