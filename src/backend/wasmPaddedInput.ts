import type * as tf from "@tensorflow/tfjs";
import type { WasmKernelCalls } from "./wasmKernelCalls.js";

/** The zero-padded copy of a convolution's input and its height and width. */
export interface PaddedInput {
  padded: tf.TensorInfo;
  height: number;
  width: number;
}

/**
 * An NHWC float32 heap tensor x [nb, ih, iw, ci] copied into a fresh zeroed
 * [nb, (outHeight - 1) strideHeight + filterHeight, (outWidth - 1) strideWidth + filterWidth, ci]
 * at the convolution's (top, left) padding: every tap of every output pixel of `info` lands
 * inside it (rows and columns no output reads are left out), so the SIMD convolution loops need no
 * bounds checks. Take heap views after this call (it allocates, which may grow and detach the heap).
 */
export function paddedInput(calls: WasmKernelCalls, x: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): PaddedInput {
  const [nb, ih, iw, ci] = x.shape;
  const { top, left } = info.padInfo;
  const height = (info.outHeight - 1) * info.strideHeight + info.filterHeight;
  const width = (info.outWidth - 1) * info.strideWidth + info.filterWidth;
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
  return { padded, height, width };
}
