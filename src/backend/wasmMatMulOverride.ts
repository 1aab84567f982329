import * as tf from "@tensorflow/tfjs";
import type { WasmHeapBackend } from "./wasmKernelCalls.js";
import { isWasmKernelOverridden, overrideWasmKernel, restoreWasmKernel } from "./wasmKernelOverride.js";
import { outerProductMatMul } from "./wasmOuterProductMatMul.js";

/**
 * Why: tfjs-backend-wasm 4.22 sends BatchMatMul/_FusedMatMul with transposeA or transposeB to a
 * naive loop (~1-2 GFLOP/s measured here) while the plain case goes to XNNPACK (~15-30
 * GFLOP/s). Every backward pass of a dense layer multiplies by a transposed operand, so
 * training was ~10x slower than it should be. The override materialises the transposed operand
 * with the wasm Transpose kernel (memory-bound, ~1 ms for a 256x784 matrix) and calls the
 * original kernel with transposeA = transposeB = false. Results are the same products, summed in
 * a different order (float32 rounding differences only).
 *
 * It also fixes a wrong result: that naive loop indexes a fused bias by (row * N + col) clamped
 * to N - 1, so every row but the first gets bias[N - 1] (stock tfjs 4.22: any transposed or
 * batched tf.fused.matMul with a bias is wrong on wasm). Unbatched products now avoid the loop;
 * batched fused products (the loop is still the only batched path) run without bias and
 * activation, which are then applied with the Add and activation kernels.
 *
 * Two shapes are cheaper another way, since XNNPACK packs its second operand on every call:
 * matrix-vector products (M or N = 1) stay in tfjs's loop (0.83 -> 0.26 ms for
 * [25088, 8]^T [25088, 1]), and a b^T with few rows in a is computed as (b a^T)^T (see
 * swappedIsCheaper).
 */

/**
 * Unbatched a b and a^T b with the result's columns in fours go to sparsekit's outer-product SIMD
 * loop (wasmOuterProductMatMul.ts) instead of transpose + XNNPACK: measured per product 0.9-1.3x
 * XNNPACK's rate (best where XNNPACK's per-call packing of b weighs most: 784x128x128 a^T b 21.6 ->
 * 28.4 GFLOP/s), per step sae 30 -> 26 ms, ovr 8.7 -> 7.3 ms, lca and entropy within noise
 * (2026-12-06, other core busy). Same sums in the same order: identical results on those shapes.
 */
const OUTER_PRODUCT_MIN_ROWS = 2;

type KernelArgs = Parameters<tf.KernelFunc>[0];
type KernelOut = ReturnType<tf.KernelFunc>;
type WasmLikeBackend = { disposeData(dataId: tf.DataId): boolean };

const MATMUL_KERNELS = ["BatchMatMul", "_FusedMatMul"] as const;
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/** Kernel functions the override composes; looked up once, when it is installed. */
interface Helpers {
  transpose: tf.KernelFunc;
  add: tf.KernelFunc;
  activations: Partial<Record<string, tf.KernelFunc>>;
}

const ACTIVATION_KERNELS: Record<string, string> = {
  relu: "Relu",
  relu6: "Relu6",
  sigmoid: "Sigmoid",
  elu: "Elu",
  leakyrelu: "LeakyRelu",
  prelu: "Prelu",
};

function isBatched(x: tf.TensorInfo): boolean {
  return x.shape.slice(0, -2).some((d) => d > 1);
}

/**
 * For out[M, N] = a b^T (a [M, K], b [N, K]) the direct way transposes b and XNNPACK then packs
 * it as weights (about 2 N K element moves: measured here, packing costs about what a transpose
 * does); the swapped way computes out^T = b a^T, so a is transposed and packed and the result
 * transposed (2 M K + M N). Backward passes of layers with few outputs and many inputs hit this
 * (a [8, 500], b [300, 500]: 0.93 -> 0.23 ms). For a^T b both ways move K M + K N elements, so
 * only transposeB products are swapped.
 */
export function swappedIsCheaper(a: tf.TensorInfo, b: tf.TensorInfo): boolean {
  if (a.shape.length !== b.shape.length) return false;
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 2];
  return 2 * m * k + m * n < 2 * n * k;
}

function withMaterialisedTransposes(original: tf.KernelFunc, helpers: Helpers, fused: boolean): tf.KernelFunc {
  const kernelFunc: tf.KernelFunc = (args: KernelArgs): KernelOut => {
    const attrs = args.attrs ?? {};
    const transposeA = Boolean(attrs.transposeA);
    const transposeB = Boolean(attrs.transposeB);
    const a = args.inputs.a as tf.TensorInfo;
    const b = args.inputs.b as tf.TensorInfo;
    const bias = args.inputs.bias as tf.TensorInfo | undefined;
    const activation = String(attrs.activation ?? "linear");
    const epilogue = fused && (isBatched(a) || isBatched(b)) && (bias != null || activation !== "linear");
    const plain = bias == null && activation === "linear";
    const m = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
    const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    // A matrix-vector product: XNNPACK would pack the whole matrix for one column; the loop is faster.
    if ((m === 1 || n === 1) && plain) return original(args);
    if (plain && !transposeB && m >= OUTER_PRODUCT_MIN_ROWS) {
      const out = outerProductMatMul(args.backend as unknown as WasmHeapBackend, a, b, transposeA);
      if (out !== undefined) return out;
    }
    if (!transposeA && !transposeB && !epilogue) return original(args);

    const backend = args.backend as unknown as WasmLikeBackend;
    const temps: tf.TensorInfo[] = [];
    const keep = (t: tf.TensorInfo): tf.TensorInfo => {
      temps.push(t);
      return t;
    };
    const materialise = (x: tf.TensorInfo): tf.TensorInfo =>
      keep(helpers.transpose({ inputs: { x }, backend: args.backend, attrs: { perm: swapLastTwo(x.shape.length) } }) as tf.TensorInfo);
    try {
      if (transposeB && !transposeA && plain && swappedIsCheaper(a, b)) {
        // out = (b a^T)^T (see swappedIsCheaper)
        const outT = keep(original({ inputs: { ...args.inputs, a: b, b: materialise(a) }, backend: args.backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as tf.TensorInfo);
        return helpers.transpose({ inputs: { x: outT }, backend: args.backend, attrs: { perm: swapLastTwo(outT.shape.length) } }) as tf.TensorInfo;
      }
      const inputs: Record<string, tf.TensorInfo> = { ...args.inputs, a: transposeA ? materialise(a) : a, b: transposeB ? materialise(b) : b };
      const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
      if (!epilogue) return original({ inputs, backend: args.backend, attrs: plainAttrs });

      const { bias: _bias, preluActivationWeights, ...matInputs } = inputs;
      let out = original({ inputs: matInputs, backend: args.backend, attrs: { ...plainAttrs, activation: "linear" } }) as tf.TensorInfo;
      if (bias != null) {
        keep(out);
        out = helpers.add({ inputs: { a: out, b: bias }, backend: args.backend, attrs: {} }) as tf.TensorInfo;
      }
      if (activation !== "linear") {
        const act = helpers.activations[activation];
        if (act === undefined) throw new Error(`_FusedMatMul: activation '${activation}' has no wasm kernel`);
        keep(out);
        out =
          activation === "prelu"
            ? (act({ inputs: { x: out, alpha: preluActivationWeights as tf.TensorInfo }, backend: args.backend, attrs: {} }) as tf.TensorInfo)
            : (act({ inputs: { x: out }, backend: args.backend, attrs: { alpha: attrs.leakyreluAlpha ?? 0.2 } }) as tf.TensorInfo);
      }
      return out;
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  return kernelFunc;
}

function lookupHelpers(): Helpers | undefined {
  const transpose = tf.getKernel("Transpose", "wasm")?.kernelFunc;
  const add = tf.getKernel("Add", "wasm")?.kernelFunc;
  if (transpose === undefined || add === undefined) return undefined;
  const activations: Helpers["activations"] = {};
  for (const [name, kernel] of Object.entries(ACTIVATION_KERNELS)) activations[name] = tf.getKernel(kernel, "wasm")?.kernelFunc;
  return { transpose, add, activations };
}

/** True when both wasm matmul kernels currently carry the sparsekit override. */
export function isWasmMatMulOverrideInstalled(): boolean {
  return MATMUL_KERNELS.every(isWasmKernelOverridden);
}

/**
 * Replaces the wasm BatchMatMul and _FusedMatMul kernels with versions that never hit the slow
 * transposed path and apply a batched fused bias correctly (see the top of this file). Idempotent; a no-op returning
 * false when the wasm kernels are not registered (tfjs-backend-wasm not imported). Works before
 * or after the wasm backend is initialised: the original setup function is kept, so tfjs
 * still runs it when it initialises the backend.
 */
export function installWasmMatMulOverride(): boolean {
  const helpers = lookupHelpers();
  if (helpers === undefined) return false;
  let changed = false;
  for (const name of MATMUL_KERNELS) {
    if (tf.getKernel(name, "wasm") === undefined) return changed;
    changed = overrideWasmKernel(name, (stock) => withMaterialisedTransposes(stock, helpers, name === "_FusedMatMul")) || changed;
  }
  return changed;
}

/** Restores the original tfjs kernels (for A/B measurements and tests). */
export function uninstallWasmMatMulOverride(): void {
  for (const name of MATMUL_KERNELS) restoreWasmKernel(name);
}
