import * as tf from "@tensorflow/tfjs";
import { wasmFilterGradSimdModule, wasmFilterGradTap } from "./wasmFilterGradSimd.js";
import { WasmKernelCalls, explicitPad, type WasmHeapBackend } from "./wasmKernelCalls.js";
import { heapForModule } from "./wasmHeapModule.js";

/**
 * Why: tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter kernel, so training any conv2d
 * layer on wasm throws "Kernel 'Conv2DBackpropFilter' not registered". This supplies one.
 *
 * dW[r, c, i, o] = sum_{b, y, x} X[b, y*sH + r - padTop, x*sW + c - padLeft, i] * dY[b, y, x, o]
 * (dilations are 1: tfjs does not differentiate dilated conv2d).
 *
 * That sum is itself a convolution, which the wasm Conv2D kernel (XNNPACK) runs ~30x faster than
 * a JS loop: the batch becomes the contracted channel axis and dY the filter,
 *   dW' = conv2d(X' = X^T[i, y, x, b], F = dY^T[y, x, b, o], stride 1, dilation (sH, sW)),
 * dW' of shape [i, r, c, o] and transposed to [r, c, i, o]. Measured on the MNIST CNN step
 * (batch 128): ~860 ms -> see bench/README.md. One input channel with stride 1 (first layers)
 * goes to a SIMD loop instead (conv2DBackpropFilterOneChannel). NCHW inputs keep the direct loop
 * (the old kernel: the cpu backend's arithmetic, as an outer-product accumulation over contiguous
 * channels).
 */

interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

/** The filter gradient as one XNNPACK convolution (see the top of this file); NHWC only. */
function conv2DBackpropFilterAsConv(backend: WasmHeapBackend, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW } = info;
  const { top, left } = info.padInfo;
  // Padding after the input that makes the output exactly fH x fW; negative: rows/columns that
  // no output reads (valid padding with a remainder), cut off before the transpose.
  const bottom = fH + (outHeight - 1) * sH - inHeight - top;
  const right = fW + (outWidth - 1) * sW - inWidth - left;
  const calls = new WasmKernelCalls(backend);
  try {
    let xs = x;
    if (bottom < 0 || right < 0) {
      const size = [batchSize, inHeight + Math.min(bottom, 0), inWidth + Math.min(right, 0), inChannels];
      xs = calls.run("Slice", { x }, { begin: [0, 0, 0, 0], size });
    }
    const xt = calls.run("Transpose", { x: xs }, { perm: [3, 1, 2, 0] });
    const dyt = calls.run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
    const dwt = calls.run(
      "Conv2D",
      { x: xt, filter: dyt },
      { strides: 1, pad: explicitPad(top, Math.max(bottom, 0), left, Math.max(right, 0)), dataFormat: "NHWC", dilations: [sH, sW], dimRoundingMode: undefined },
    );
    if (dwt.shape[0] !== inChannels || dwt.shape[1] !== fH || dwt.shape[2] !== fW || dwt.shape[3] !== outChannels) {
      throw new Error(`Conv2DBackpropFilter: internal shape ${dwt.shape} for filter ${[fH, fW, inChannels, outChannels]}`);
    }
    return calls.keep(calls.run("Transpose", { x: dwt }, { perm: [1, 2, 0, 3] }));
  } finally {
    calls.dispose();
  }
}

/**
 * When fH*fW*inChannels <= outChannels (first layers: few input channels) the convolution above
 * moves and packs all of dY (and X) for little arithmetic; one matmul does less:
 * dW[(r, c, i), o] = colsT[(r, c, i), n] . dY[n, o] with n = (b, y, x), colsT the transposed
 * im2col matrix written in JS (for one input channel its rows are shifted copies of image rows)
 * and dY used as it is (XNNPACK packs it). MNIST CNN layer 1 (3x3x1 -> 32, batch 128): ~25 ms ->
 * ~8 ms CPU here; for layer 2 (3x3x32 -> 64) the convolution path stays faster (~75 vs ~83 ms).
 */
function conv2DBackpropFilterIm2colT(backend: WasmHeapBackend, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { batchSize: nb, inHeight: ih, inWidth: iw, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW } = info;
  const { top, left } = info.padInfo;
  const n = nb * oh * ow;
  const k = fH * fW * ci;
  const calls = new WasmKernelCalls(backend);
  try {
    const colsT = calls.output([1, k, n]);
    // Views after every allocation: makeOutput may grow (and detach) the heap.
    const xv = backend.typedArrayFromHeap(x) as Float32Array;
    const cv = backend.typedArrayFromHeap(colsT) as Float32Array;
    cv.fill(0);
    for (let r = 0; r < fH; r++) {
      for (let c = 0; c < fW; c++) {
        // Output columns whose tap (r, c) lands inside the input row.
        const lo = Math.max(0, Math.ceil((left - c) / sW));
        const hi = Math.min(ow, Math.floor((iw - 1 + left - c) / sW) + 1);
        if (hi <= lo) continue;
        for (let i = 0; i < ci; i++) {
          const row = ((r * fW + c) * ci + i) * n;
          for (let b = 0; b < nb; b++) {
            for (let y = 0; y < oh; y++) {
              const xr = y * sH + r - top;
              if (xr < 0 || xr >= ih) continue;
              const to = row + (b * oh + y) * ow;
              const from = ((b * ih + xr) * iw + c - left) * ci + i;
              if (ci === 1 && sW === 1) cv.set(xv.subarray(from + lo, from + hi), to + lo);
              else for (let xx = lo; xx < hi; xx++) cv[to + xx] = xv[from + xx * sW * ci];
            }
          }
        }
      }
    }
    // dY viewed as [1, n, co] (same buffer; the kernel's own reshape takes a reference).
    const dw = calls.run("BatchMatMul", { a: colsT, b: { ...dy, shape: [1, n, co] } }, { transposeA: false, transposeB: false });
    dw.shape = [fH, fW, ci, co];
    return calls.keep(dw);
  } finally {
    calls.dispose();
  }
}

/**
 * One input channel, stride 1, output channels a multiple of 4: dW[r, c, 0, :] accumulated by the
 * SIMD loop of wasmFilterGradSimd.ts, one call per image and tap, over a zero-padded copy of X
 * (so no bounds checks) of size (outHeight + fH - 1) x (outWidth + fW - 1). MNIST CNN layer 1
 * (3x3 -> 32, batch 128): 30 -> ~5 ms.
 */
function conv2DBackpropFilterOneChannel(backend: WasmHeapBackend, memory: WebAssembly.Memory, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { batchSize: nb, inHeight: ih, inWidth: iw, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fH, filterWidth: fW } = info;
  const { top, left } = info.padInfo;
  const hp = oh + fH - 1;
  const wp = ow + fW - 1;
  const calls = new WasmKernelCalls(backend);
  try {
    const padded = calls.output([nb, hp, wp, 1]);
    const dw = calls.output([fH, fW, 1, co]);
    // Views after every allocation: makeOutput may grow (and detach) the heap.
    const xv = backend.typedArrayFromHeap(x) as Float32Array;
    const pv = backend.typedArrayFromHeap(padded) as Float32Array;
    const dyv = backend.typedArrayFromHeap(dy) as Float32Array;
    const dwv = backend.typedArrayFromHeap(dw) as Float32Array;
    pv.fill(0);
    dwv.fill(0);
    // padded[b, yy, xx] = X[b, yy - top, xx - left] where that pixel exists
    const c0 = Math.min(wp, left);
    const c1 = Math.min(wp, iw + left);
    for (let b = 0; b < nb; b++) {
      for (let yy = top; yy < Math.min(hp, ih + top); yy++) {
        const from = (b * ih + yy - top) * iw + c0 - left;
        pv.set(xv.subarray(from, from + c1 - c0), (b * hp + yy) * wp + c0);
      }
    }
    const tap = wasmFilterGradTap(memory, co / 4);
    for (let b = 0; b < nb; b++) {
      const dyAt = dyv.byteOffset + b * oh * ow * co * 4;
      for (let r = 0; r < fH; r++) {
        for (let c = 0; c < fW; c++) tap(pv.byteOffset + ((b * hp + r) * wp + c) * 4, dyAt, oh, ow, wp * 4, dwv.byteOffset + (r * fW + c) * co * 4);
      }
    }
    return calls.keep(dw);
  } finally {
    calls.dispose();
  }
}

function conv2DBackpropFilterWasm(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const backend = args.backend as unknown as WasmHeapBackend;
  const x = args.inputs.x as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const channelsLast = info.dataFormat === "channelsLast";
  if (channelsLast && x.dtype === "float32" && dy.dtype === "float32") {
    if (inChannels === 1 && sH === 1 && sW === 1 && outChannels % 4 === 0) {
      const memory = heapForModule(backend, "filterGrad1", (shared) => wasmFilterGradSimdModule(shared, 1));
      if (memory !== undefined) return conv2DBackpropFilterOneChannel(backend, memory, x, dy, info);
    }
    if (tf.getKernel("Conv2D", "wasm") !== undefined) {
      if (fH * fW * inChannels <= outChannels) return conv2DBackpropFilterIm2colT(backend, x, dy, info);
      return conv2DBackpropFilterAsConv(backend, x, dy, info);
    }
  }

  // Element strides of x and dy for (batch, row, col, channel) in either layout.
  const xs = channelsLast
    ? [inHeight * inWidth * inChannels, inWidth * inChannels, inChannels, 1]
    : [inChannels * inHeight * inWidth, inWidth, 1, inHeight * inWidth];
  const ys = channelsLast
    ? [outHeight * outWidth * outChannels, outWidth * outChannels, outChannels, 1]
    : [outChannels * outHeight * outWidth, outWidth, 1, outHeight * outWidth];

  // Views on the wasm heap: read them fully before makeOutput can grow (and detach) memory.
  const xv = backend.typedArrayFromHeap(x);
  const dyv = backend.typedArrayFromHeap(dy);
  const dw = new Float32Array(fH * fW * inChannels * outChannels);
  const dyRow = new Float32Array(outChannels);

  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      for (let yc = 0; yc < outWidth; yc++) {
        const yBase = b * ys[0] + yr * ys[1] + yc * ys[2];
        for (let o = 0; o < outChannels; o++) dyRow[o] = dyv[yBase + o * ys[3]];
        for (let r = 0; r < fH; r++) {
          const xr = yr * sH + r - top;
          if (xr < 0 || xr >= inHeight) continue;
          for (let c = 0; c < fW; c++) {
            const xc = yc * sW + c - left;
            if (xc < 0 || xc >= inWidth) continue;
            const xBase = b * xs[0] + xr * xs[1] + xc * xs[2];
            const wBase = (r * fW + c) * inChannels * outChannels;
            for (let i = 0; i < inChannels; i++) {
              const xval = xv[xBase + i * xs[3]];
              const w = wBase + i * outChannels;
              for (let o = 0; o < outChannels; o++) dw[w + o] += xval * dyRow[o];
            }
          }
        }
      }
    }
  }

  const out = backend.makeOutput([fH, fW, inChannels, outChannels], "float32");
  (backend.typedArrayFromHeap(out) as Float32Array).set(dw);
  return out;
}

/** Kernel config registered by `installWasmConv2DBackpropFilter`. */
export const wasmConv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: conv2DBackpropFilterWasm as unknown as tf.KernelFunc,
};

/**
 * Registers the missing wasm Conv2DBackpropFilter kernel. Idempotent: leaves any kernel already
 * registered under that name (ours, or one a future tfjs release ships) in place.
 * Returns true when it registered the kernel now.
 */
export function installWasmConv2DBackpropFilter(): boolean {
  if (tf.getKernel("Conv2DBackpropFilter", "wasm") !== undefined) return false;
  tf.registerKernel(wasmConv2DBackpropFilterConfig);
  return true;
}
