import * as tf from "@tensorflow/tfjs";

/**
 * Why: tfjs-backend-wasm 4.22 sends BatchMatMul/_FusedMatMul with transposeA or transposeB to a
 * naive loop (~1-2 GFLOP/s measured here) while the plain case goes to XNNPACK (~15-30
 * GFLOP/s). Every backward pass of a dense layer multiplies by a transposed operand, so
 * training was ~10x slower than it should be. The override materialises the transposed operand
 * with the wasm Transpose kernel (memory-bound, well under 1 ms for layer-sized matrices) and
 * calls the original kernel with transposeA = transposeB = false. Results are the same
 * products, summed in a different order (float32 rounding differences only).
 */

type KernelArgs = Parameters<tf.KernelFunc>[0];
type KernelOut = ReturnType<tf.KernelFunc>;
type WasmLikeBackend = { disposeData(dataId: tf.DataId): boolean };

const MATMUL_KERNELS = ["BatchMatMul", "_FusedMatMul"] as const;
const OVERRIDE_MARK = Symbol.for("sparsekit.wasmMatMulOverride");

type MarkedKernelFunc = tf.KernelFunc & { [OVERRIDE_MARK]?: tf.KernelFunc };

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

function withMaterialisedTransposes(original: tf.KernelFunc, transpose: tf.KernelFunc): MarkedKernelFunc {
  const kernelFunc: MarkedKernelFunc = (args: KernelArgs): KernelOut => {
    const attrs = args.attrs ?? {};
    const transposeA = Boolean(attrs.transposeA);
    const transposeB = Boolean(attrs.transposeB);
    if (!transposeA && !transposeB) return original(args);

    const backend = args.backend as unknown as WasmLikeBackend;
    const temps: tf.TensorInfo[] = [];
    const materialise = (x: tf.TensorInfo): tf.TensorInfo => {
      const t = transpose({ inputs: { x }, backend: args.backend, attrs: { perm: swapLastTwo(x.shape.length) } }) as tf.TensorInfo;
      temps.push(t);
      return t;
    };
    const a = args.inputs.a as tf.TensorInfo;
    const b = args.inputs.b as tf.TensorInfo;
    try {
      return original({
        inputs: { ...args.inputs, a: transposeA ? materialise(a) : a, b: transposeB ? materialise(b) : b },
        backend: args.backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  kernelFunc[OVERRIDE_MARK] = original;
  return kernelFunc;
}

/** True when both wasm matmul kernels currently carry the sparsekit override. */
export function isWasmMatMulOverrideInstalled(): boolean {
  return MATMUL_KERNELS.every((name) => {
    const k = tf.getKernel(name, "wasm");
    return k !== undefined && (k.kernelFunc as MarkedKernelFunc)[OVERRIDE_MARK] !== undefined;
  });
}

/**
 * Replaces the wasm BatchMatMul and _FusedMatMul kernels with versions that never hit the slow
 * transposed path (see the comment at the top of this file). Idempotent; a no-op returning
 * false when the wasm kernels are not registered (tfjs-backend-wasm not imported). Works before
 * or after the wasm backend is initialised: the original setup function is kept, so tfjs
 * still runs it when it initialises the backend.
 */
export function installWasmMatMulOverride(): boolean {
  const transposeKernel = tf.getKernel("Transpose", "wasm");
  if (transposeKernel === undefined) return false;
  let changed = false;
  for (const name of MATMUL_KERNELS) {
    const current = tf.getKernel(name, "wasm");
    if (current === undefined) return changed;
    if ((current.kernelFunc as MarkedKernelFunc)[OVERRIDE_MARK] !== undefined) continue;
    const replacement: tf.KernelConfig = {
      ...current,
      kernelFunc: withMaterialisedTransposes(current.kernelFunc, transposeKernel.kernelFunc),
    };
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel(replacement);
    changed = true;
  }
  return changed;
}

/** Restores the original tfjs kernels (for A/B measurements and tests). */
export function uninstallWasmMatMulOverride(): void {
  for (const name of MATMUL_KERNELS) {
    const current = tf.getKernel(name, "wasm");
    const original = current && (current.kernelFunc as MarkedKernelFunc)[OVERRIDE_MARK];
    if (current === undefined || original === undefined) continue;
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ ...current, kernelFunc: original });
  }
}
