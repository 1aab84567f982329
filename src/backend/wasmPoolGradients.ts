import * as tf from "@tensorflow/tfjs";
import type { WasmHeapBackend } from "./wasmKernelCalls.js";
import { heapForModule } from "./wasmHeapModule.js";
import { wasmMaxPoolGradSimd, wasmMaxPoolGradSimdModule } from "./wasmMaxPoolGradSimd.js";
import { overrideWasmKernel, restoreWasmKernel } from "./wasmKernelOverride.js";

/**
 * Why: the stock wasm MaxPoolGrad of tfjs 4.22 goes through a generic 3-D pooling template
 * (~80 ms per MNIST CNN step, batch 128). It also differs from the cpu backend: it keeps the
 * last maximum of a window (`>=`) and starts from FLT_MIN, the smallest positive float, so a
 * window of negative values sends its gradient to the window's first pixel whatever the maximum.
 * This kernel scans each window once with the channels innermost (contiguous in NHWC) and routes
 * dy to the first maximum, as the cpu backend does (padding never wins). Dilated pools keep the
 * stock kernel.
 */

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** dx of max pooling for NHWC `x`, written into `dx` (zeroed here). */
export function maxPoolGradInto(x: Float32Array, dy: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: ch, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  if (filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && top === 0 && left === 0) {
    maxPool2x2GradInto(x, dy, dx, info);
    return;
  }
  // Offsets of the window's in-bounds pixels, row-major (the order in which the first maximum wins).
  const bases = new Int32Array(filterHeight * filterWidth);
  dx.fill(0);
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      const r0 = yr * strideHeight - top;
      const rLo = Math.max(0, r0);
      const rHi = Math.min(inHeight, r0 + filterHeight);
      for (let yc = 0; yc < outWidth; yc++) {
        const c0 = yc * strideWidth - left;
        const cLo = Math.max(0, c0);
        const cHi = Math.min(inWidth, c0 + filterWidth);
        let count = 0;
        for (let r = rLo; r < rHi; r++) for (let c = cLo; c < cHi; c++) bases[count++] = ((b * inHeight + r) * inWidth + c) * ch;
        const yBase = ((b * outHeight + yr) * outWidth + yc) * ch;
        // Scalar per channel: no per-position arrays to reset (that cost more than the scan).
        for (let d = 0; d < ch; d++) {
          let best = -Infinity;
          let at = -1;
          for (let p = 0; p < count; p++) {
            const i = bases[p] + d;
            const v = x[i];
            if (v > best) {
              best = v;
              at = i;
            }
          }
          if (at >= 0) dx[at] += dy[yBase + d];
        }
      }
    }
  }
}

/**
 * maxPoolGradInto for the common 2 x 2 pool with stride 2 and no padding before (the windows tile
 * the input; a last row or column may be cut off by "same" padding): the same result with the
 * four taps unrolled (21.5 -> 16.3 ms for the MNIST CNN's first pool, batch 128, other core busy).
 */
export function maxPool2x2GradInto(x: Float32Array, dy: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: ch, outHeight, outWidth } = info;
  const rowStride = inWidth * ch;
  dx.fill(0);
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      const secondRow = 2 * yr + 1 < inHeight;
      for (let yc = 0; yc < outWidth; yc++) {
        const secondColumn = 2 * yc + 1 < inWidth;
        const base = ((b * inHeight + 2 * yr) * inWidth + 2 * yc) * ch;
        const yBase = ((b * outHeight + yr) * outWidth + yc) * ch;
        for (let d = 0; d < ch; d++) {
          // Row-major order, strict >: the first maximum wins; NaN never does (as the general loop).
          const i0 = base + d;
          let best = -Infinity;
          let at = -1;
          if (x[i0] > best) {
            best = x[i0];
            at = i0;
          }
          if (secondColumn && x[i0 + ch] > best) {
            best = x[i0 + ch];
            at = i0 + ch;
          }
          if (secondRow) {
            const i2 = i0 + rowStride;
            if (x[i2] > best) {
              best = x[i2];
              at = i2;
            }
            if (secondColumn && x[i2 + ch] > best) at = i2 + ch;
          }
          if (at >= 0) dx[at] += dy[yBase + d];
        }
      }
    }
  }
}

/**
 * 2 x 2 windows with stride 2 that tile the input exactly (no padding, even height and width) over
 * channels in groups of four: the SIMD loop of wasmMaxPoolGradSimd.ts (same result as
 * maxPool2x2GradInto; MNIST CNN step, both pools: ~20 -> ~4 ms).
 */
function tilesWith2x2(info: tf.backend_util.Conv2DInfo): boolean {
  const { filterHeight, filterWidth, strideHeight, strideWidth, inHeight, inWidth, outHeight, outWidth, inChannels } = info;
  return filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && info.padInfo.top === 0 && info.padInfo.left === 0 &&
    inHeight === 2 * outHeight && inWidth === 2 * outWidth && inChannels % 4 === 0;
}

function wasmMaxPoolGrad(original: tf.KernelFunc): tf.KernelFunc {
  const kernelFunc: tf.KernelFunc = (args) => {
    const dy = args.inputs.dy as tf.TensorInfo;
    const input = args.inputs.input as tf.TensorInfo;
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as PoolAttrs;
    if (input.dtype !== "float32" || dy.dtype !== "float32") return original(args);
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return original(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    // Allocate first: makeOutput may grow the heap and detach earlier views.
    const dx = backend.makeOutput(input.shape, "float32");
    const memory = tilesWith2x2(info) ? heapForModule(backend, "maxPoolGrad2x2", wasmMaxPoolGradSimdModule) : undefined;
    if (memory !== undefined) {
      const { outHeight, outWidth, inChannels: ch, batchSize } = info;
      const at = (t: tf.TensorInfo) => (backend.typedArrayFromHeap(t) as Float32Array).byteOffset;
      wasmMaxPoolGradSimd(memory)(at(input), at(dy), at(dx), batchSize * outHeight, outWidth, ch / 4, 4 * ch, 4 * 2 * outWidth * ch);
      return dx;
    }
    maxPoolGradInto(
      backend.typedArrayFromHeap(input) as Float32Array,
      backend.typedArrayFromHeap(dy) as Float32Array,
      backend.typedArrayFromHeap(dx) as Float32Array,
      info,
    );
    return dx;
  };
  return kernelFunc;
}

/** Replaces the wasm MaxPoolGrad kernel (see the top of this file). Idempotent; true when changed. */
export function installWasmMaxPoolGrad(): boolean {
  return overrideWasmKernel("MaxPoolGrad", wasmMaxPoolGrad);
}

/** Restores the stock kernel (for A/B measurements and tests). */
export function uninstallWasmMaxPoolGrad(): void {
  restoreWasmKernel("MaxPoolGrad");
}
