import * as tf from "@tensorflow/tfjs";

/**
 * Why: tfjs-backend-wasm 4.22 registers no UnsortedSegmentSum kernel, and tfjs differentiates
 * `tf.gather` through it, so any gather on a trained tensor fails on wasm. This supplies it:
 * out[s, ...] = sum over i with segmentIds[i] = s of x[i, ...]; ids outside [0, numSegments)
 * are dropped (as on the cpu backend). segmentIds is rank 1, x's first dimension matches it.
 */

interface WasmHeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

function unsortedSegmentSumWasm(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const backend = args.backend as unknown as WasmHeapBackend;
  const x = args.inputs.x as tf.TensorInfo;
  const segmentIds = args.inputs.segmentIds as tf.TensorInfo;
  const numSegments = Number(args.attrs?.numSegments);
  const dtype: tf.DataType = x.dtype === "int32" ? "int32" : "float32";

  const rows = segmentIds.shape.reduce((p, d) => p * d, 1);
  const inner = x.shape.slice(segmentIds.shape.length).reduce((p, d) => p * d, 1);
  const xv = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  const acc = dtype === "int32" ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let i = 0; i < rows; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) acc[dst + j] += xv[src + j];
  }
  // makeOutput may grow the heap (detaching the views above), so it comes last.
  const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], dtype);
  backend.typedArrayFromHeap(out).set(acc);
  return out;
}

/** Kernel config registered by `installWasmUnsortedSegmentSum`. */
export const wasmUnsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: "UnsortedSegmentSum",
  backendName: "wasm",
  kernelFunc: unsortedSegmentSumWasm as unknown as tf.KernelFunc,
};

/** Registers the missing wasm UnsortedSegmentSum kernel; idempotent, true when registered now. */
export function installWasmUnsortedSegmentSum(): boolean {
  if (tf.getKernel("UnsortedSegmentSum", "wasm") !== undefined) return false;
  tf.registerKernel(wasmUnsortedSegmentSumConfig);
  return true;
}
