import * as tf from "@tensorflow/tfjs";

// Replacing a registered wasm kernel by a wrapper that falls back to it, and undoing that: the
// pattern of every sparsekit kernel override (the wrapper remembers the stock kernel).

const ORIGINAL = Symbol.for("sparsekit.wasmStockKernel");
type WrappedKernelFunc = tf.KernelFunc & { [ORIGINAL]?: tf.KernelFunc };

/**
 * Replaces wasm kernel `name` by `wrap(stock)`. Idempotent: false (and nothing changed) when the
 * kernel is not registered or is already a sparsekit wrapper; true when it replaced it now.
 */
export function overrideWasmKernel(name: string, wrap: (stock: tf.KernelFunc) => tf.KernelFunc): boolean {
  const current = tf.getKernel(name, "wasm");
  if (current === undefined || (current.kernelFunc as WrappedKernelFunc)[ORIGINAL] !== undefined) return false;
  const kernelFunc: WrappedKernelFunc = wrap(current.kernelFunc);
  kernelFunc[ORIGINAL] = current.kernelFunc;
  tf.unregisterKernel(name, "wasm");
  tf.registerKernel({ ...current, kernelFunc });
  return true;
}

/** Restores the stock kernel `name` replaced by overrideWasmKernel (for A/B measurements and tests). */
export function restoreWasmKernel(name: string): void {
  const current = tf.getKernel(name, "wasm");
  const stock = current && (current.kernelFunc as WrappedKernelFunc)[ORIGINAL];
  if (current === undefined || stock === undefined) return;
  tf.unregisterKernel(name, "wasm");
  tf.registerKernel({ ...current, kernelFunc: stock });
}

/** True when wasm kernel `name` is a sparsekit override. */
export function isWasmKernelOverridden(name: string): boolean {
  const current = tf.getKernel(name, "wasm");
  return current !== undefined && (current.kernelFunc as WrappedKernelFunc)[ORIGINAL] !== undefined;
}
