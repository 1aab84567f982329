import * as tf from "@tensorflow/tfjs";

/**
 * Why: the wasm Identity kernel, and Cast to the same dtype, copy the whole buffer. tfjs runs
 * Identity for every tensor it saves for the backward pass (engine.saveTensorsForBackwardMode
 * clones them) and the Multiply/RealDiv/Square/Log gradients cast float32 to float32, so one
 * SAE training step made ~60 full copies (~3 ms). Tensors are immutable, so, like the cpu
 * backend and the wasm Reshape kernel, these kernels can share the buffer and bump its
 * reference count instead. String tensors and real dtype changes keep the original kernels.
 */

interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

const ZERO_COPY_MARK = Symbol.for("sparsekit.wasmZeroCopy");
type MarkedKernelFunc = tf.KernelFunc & { [ZERO_COPY_MARK]?: tf.KernelFunc };

function share(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function zeroCopy(name: "Identity" | "Cast", original: tf.KernelFunc): MarkedKernelFunc {
  const kernelFunc: MarkedKernelFunc = (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string") return original(args);
    if (name === "Cast" && args.attrs?.dtype !== x.dtype) return original(args);
    return share(args);
  };
  kernelFunc[ZERO_COPY_MARK] = original;
  return kernelFunc;
}

const KERNELS = ["Identity", "Cast"] as const;

/** True when both wasm kernels carry the zero-copy override. */
export function isWasmZeroCopyInstalled(): boolean {
  return KERNELS.every((name) => {
    const k = tf.getKernel(name, "wasm");
    return k !== undefined && (k.kernelFunc as MarkedKernelFunc)[ZERO_COPY_MARK] !== undefined;
  });
}

/**
 * Makes the wasm Identity kernel, and Cast to the tensor's own dtype, share the input buffer
 * (reference-counted) instead of copying it. Idempotent; false when wasm is not loaded or the
 * override is already in place.
 */
export function installWasmZeroCopyKernels(): boolean {
  let changed = false;
  for (const name of KERNELS) {
    const current = tf.getKernel(name, "wasm");
    if (current === undefined) return changed;
    if ((current.kernelFunc as MarkedKernelFunc)[ZERO_COPY_MARK] !== undefined) continue;
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ ...current, kernelFunc: zeroCopy(name, current.kernelFunc) });
    changed = true;
  }
  return changed;
}

/** Restores the copying kernels (for A/B measurements and tests). */
export function uninstallWasmZeroCopyKernels(): void {
  for (const name of KERNELS) {
    const current = tf.getKernel(name, "wasm");
    const original = current && (current.kernelFunc as MarkedKernelFunc)[ZERO_COPY_MARK];
    if (current === undefined || original === undefined) continue;
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ ...current, kernelFunc: original });
  }
}
