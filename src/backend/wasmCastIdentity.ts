import type * as tf from "@tensorflow/tfjs";
import { isWasmKernelOverridden, overrideWasmKernel, restoreWasmKernel } from "./wasmKernelOverride.js";

/**
 * The wasm Identity and Cast kernels of tfjs-backend-wasm 4.22, replaced for two reasons.
 *
 * Speed: Identity, and Cast to the same dtype, copy the whole buffer. tfjs runs Identity for
 * every tensor it saves for the backward pass (engine.saveTensorsForBackwardMode clones them)
 * and the Multiply/RealDiv/Square/Log gradients cast float32 to float32, so one SAE training
 * step made ~60 full copies (~3 ms). Tensors are immutable, so, like the cpu backend and the
 * wasm Reshape kernel, these share the buffer and bump its reference count instead.
 *
 * Correctness: the stock Cast to "bool" copies numbers into a Uint8Array, i.e. modulo 256
 * (-1.7 -> 255, 2.5 -> 2, 256 -> 0). Here, as on the cpu backend, bool = (x != 0) (NaN -> true).
 *
 * String tensors and the other casts keep the original kernels.
 */

interface WasmBackendLike {
  incRef(dataId: tf.DataId): void;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

function share(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function castToBool(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const backend = args.backend as unknown as WasmBackendLike;
  const x = args.inputs.x as tf.TensorInfo;
  // makeOutput may grow the heap and detach views, so it comes before reading x.
  const out = backend.makeOutput(x.shape, "bool");
  const xs = backend.typedArrayFromHeap(x);
  const o = backend.typedArrayFromHeap(out);
  for (let i = 0; i < xs.length; i++) o[i] = xs[i] !== 0 ? 1 : 0;
  return out;
}

function replacement(name: "Identity" | "Cast", original: tf.KernelFunc): tf.KernelFunc {
  const kernelFunc: tf.KernelFunc = (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string" || x.dtype === "complex64") return original(args);
    if (name === "Cast") {
      const dtype = args.attrs?.dtype;
      if (dtype === "bool" && x.dtype !== "bool") return castToBool(args);
      if (dtype !== x.dtype) return original(args);
    }
    return share(args);
  };
  return kernelFunc;
}

const KERNELS = ["Identity", "Cast"] as const;

/** True when both wasm kernels are sparsekit's. */
export function isWasmCastIdentityInstalled(): boolean {
  return KERNELS.every(isWasmKernelOverridden);
}

/**
 * Installs the Identity and Cast kernels described at the top of this file on the wasm
 * backend. Idempotent; false when wasm is not loaded or nothing changed.
 */
export function installWasmCastIdentity(): boolean {
  let changed = false;
  for (const name of KERNELS) changed = overrideWasmKernel(name, (stock) => replacement(name, stock)) || changed;
  return changed;
}

/** Restores the stock kernels (for A/B measurements and tests). */
export function uninstallWasmCastIdentity(): void {
  for (const name of KERNELS) restoreWasmKernel(name);
}
