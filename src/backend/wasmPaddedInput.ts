import type * as tf from "@tensorflow/tfjs";
import type { WasmKernelCalls } from "./wasmKernelCalls.js";

/**
 * An NHWC float32 heap tensor x [nb, ih, iw, ci] copied into a fresh zeroed [nb, height, width, ci]
 * at row `top`, column `left` (pixels beyond height x width are left out): the input of the SIMD
 * convolution loops, which then need no bounds checks. Take heap views after this call (it
 * allocates, which may grow and detach the heap).
 */
export function paddedInput(calls: WasmKernelCalls, x: tf.TensorInfo, top: number, left: number, height: number, width: number): tf.TensorInfo {
  const [nb, ih, iw, ci] = x.shape;
  const padded = calls.output([nb, height, width, ci]);
  const xv = calls.backend.typedArrayFromHeap(x) as Float32Array;
  const pv = calls.backend.typedArrayFromHeap(padded) as Float32Array;
  pv.fill(0);
  const [c0, c1] = [Math.min(width, left), Math.min(width, iw + left)];
  for (let b = 0; b < nb; b++) {
    for (let yy = top; yy < Math.min(height, ih + top); yy++) {
      const from = ((b * ih + yy - top) * iw + c0 - left) * ci;
      pv.set(xv.subarray(from, from + (c1 - c0) * ci), ((b * height + yy) * width + c0) * ci);
    }
  }
  return padded;
}
