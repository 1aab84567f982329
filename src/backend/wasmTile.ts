import type * as tf from "@tensorflow/tfjs";
import { isWasmKernelOverridden, overrideWasmKernel, restoreWasmKernel } from "./wasmKernelOverride.js";

/**
 * Why: the wasm Tile kernel of tfjs 4.22 computes every output element separately; tiling a
 * [1, 784] row to [256, 784] took ~20 ms here (tf.tile and tf.broadcastTo both use it), 100x
 * the cost of the cpu backend. This replacement copies contiguous runs on the wasm heap:
 * first it repeats the innermost dimension, then, from the innermost outward, it spreads each
 * block to its tiled position and duplicates it (copyWithin, memmove semantics). String
 * tensors keep the original kernel.
 */

interface WasmHeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** Writes tile(x, reps) into `out` (x has shape `shape`); exported for the unit test. */
export function tileInto(
  x: Float32Array | Int32Array | Uint8Array,
  shape: readonly number[],
  reps: readonly number[],
  out: Float32Array | Int32Array | Uint8Array,
): void {
  const r = shape.length;
  if (r === 0) {
    out[0] = x[0];
    return;
  }
  const last = shape[r - 1];
  const outLast = last * reps[r - 1];
  const rows = x.length / last;
  // Innermost dimension: repeat each row reps[r-1] times.
  for (let p = 0; p < rows; p++) {
    const src = x.subarray(p * last, (p + 1) * last);
    for (let k = 0; k < reps[r - 1]; k++) out.set(src, p * outLast + k * last);
  }
  // Outer dimensions, innermost first: block = one slice along the dimensions already tiled.
  let block = outLast;
  let groups = rows;
  for (let j = r - 2; j >= 0; j--) {
    const s = shape[j];
    groups /= s; // number of index prefixes over dimensions < j
    const span = s * block; // one group before tiling dimension j
    const tiled = span * reps[j]; // one group after
    for (let q = groups - 1; q >= 0; q--) {
      const from = q * span;
      const to = q * tiled;
      if (to !== from) out.copyWithin(to, from, from + span);
      for (let k = 1; k < reps[j]; k++) out.copyWithin(to + k * span, to, to + span);
    }
    block *= s * reps[j];
  }
}

function wasmTile(original: tf.KernelFunc): tf.KernelFunc {
  const kernelFunc: tf.KernelFunc = (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string" || x.dtype === "complex64") return original(args);
    const reps = (args.attrs?.reps as number[]) ?? [];
    const backend = args.backend as unknown as WasmHeapBackend;
    const outShape = x.shape.map((d, i) => d * reps[i]);
    // Allocate first: makeOutput may grow the heap and detach earlier views.
    const out = backend.makeOutput(outShape, x.dtype);
    if (outShape.some((d) => d === 0)) return out;
    tileInto(backend.typedArrayFromHeap(x), x.shape, reps, backend.typedArrayFromHeap(out));
    return out;
  };
  return kernelFunc;
}

/** Replaces the wasm Tile kernel (see the top of this file). Idempotent; true when changed. */
export function installWasmTile(): boolean {
  return overrideWasmKernel("Tile", wasmTile);
}

/** Restores the original wasm Tile kernel (for A/B measurements and tests). */
export function uninstallWasmTile(): void {
  restoreWasmKernel("Tile");
}

/** True when the wasm Tile kernel is sparsekit's. */
export function isWasmTileInstalled(): boolean {
  return isWasmKernelOverridden("Tile");
}
