import * as tf from "@tensorflow/tfjs";
import { outerProductBlocking, outerProductHeap, wasmOuterProductAccumulate } from "./wasmOuterProductSimd.js";
import { WasmKernelCalls, explicitPad, type WasmHeapBackend } from "./wasmKernelCalls.js";
import { paddedInput } from "./wasmPaddedInput.js";

/**
 * Why: tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter kernel, so training any conv2d
 * layer on wasm throws "Kernel 'Conv2DBackpropFilter' not registered". This supplies one.
 *
 * dW[r, c, i, o] = sum_{b, y, x} X[b, y*sH + r - padTop, x*sW + c - padLeft, i] * dY[b, y, x, o]
 * (dilations are 1: tfjs does not differentiate dilated conv2d).
 *
 * NHWC float32 with output or input channels a multiple of 4 (every conv layer sparsekit trains): a
 * hand-encoded SIMD loop (wasmOuterProductSimd.ts) that keeps a
 * register block of dW and streams one image per call; MNIST CNN step (batch 128): layer 2 ~60 ->
 * ~20 ms, layer 1 ~5 ms (as XNNPACK convolutions or matmuls: 2-15 GFLOP/s, since they pack all of
 * dY for a small output).
 * Other NHWC: the sum as one XNNPACK convolution, the batch as the contracted channel axis and dY
 * as the filter,
 *   dW' = conv2d(X' = X^T[i, y, x, b], F = dY^T[y, x, b, o], stride 1, dilation (sH, sW)),
 * dW' of shape [i, r, c, o] and transposed to [r, c, i, o] (~30x a JS loop).
 * NCHW inputs keep the direct loop (the cpu backend's arithmetic, as an outer-product accumulation
 * over contiguous channels).
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
 * dW by the SIMD loop of wasmOuterProductSimd.ts over a zero-padded copy of X (so no bounds checks),
 * one call per image and group of taps. With stride 1 along the width a group is a whole filter
 * row: its taps read consecutive pixels, so (tap, input channel) is one contiguous axis of
 * fW x inChannels entries, and dW[r] is [fW * inChannels, outChannels] (first layers with one
 * input channel get a register block over the taps). Otherwise a group is one tap. `swapped`
 * (output channels not a multiple of 4, e.g. a decoder to one channel): the loop splats dY and
 * vectorises over X, giving each group's block transposed. MNIST CNN (batch 128): layer 2,
 * 3x3x32 -> 64, ~60 ms as an XNNPACK convolution -> ~20 ms; layer 1, 3x3x1 -> 32, ~7 -> ~3 ms.
 */
function conv2DBackpropFilterSimd(backend: WasmHeapBackend, memory: WebAssembly.Memory, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | undefined {
  const { batchSize: nb, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW } = info;
  const groupTaps = sW === 1 ? fW : 1;
  const groupChannels = groupTaps * ci;
  const swapped = co % 4 !== 0;
  const blocking = swapped ? outerProductBlocking(co, groupChannels) : outerProductBlocking(groupChannels, co);
  if (blocking === undefined) return undefined;
  const accumulate = wasmOuterProductAccumulate(memory, blocking);
  const calls = new WasmKernelCalls(backend);
  try {
    const { padded, height: hp, width: wp } = paddedInput(calls, x, info);
    const dw = calls.output([fH, fW, ci, co]);
    // Views after every allocation: makeOutput may grow (and detach) the heap.
    const pAt = (backend.typedArrayFromHeap(padded) as Float32Array).byteOffset;
    const dyAt = (backend.typedArrayFromHeap(dy) as Float32Array).byteOffset;
    const dwv = backend.typedArrayFromHeap(dw) as Float32Array;
    dwv.fill(0);
    const [xRowBytes, xColBytes, dyRowBytes, dyColBytes] = [sH * wp * ci * 4, sW * ci * 4, ow * co * 4, co * 4];
    for (let r = 0; r < fH; r++) {
      for (let c = 0; c < fW; c += groupTaps) {
        const acc = dwv.byteOffset + (r * fW + c) * ci * co * 4;
        for (let b = 0; b < nb; b++) {
          const xFirst = pAt + ((b * hp + r) * wp + c) * ci * 4;
          const dyFirst = dyAt + b * oh * ow * co * 4;
          if (swapped) accumulate(dyFirst, xFirst, oh, ow, dyRowBytes, dyColBytes, xRowBytes, xColBytes, acc);
          else accumulate(xFirst, dyFirst, oh, ow, xRowBytes, xColBytes, dyRowBytes, dyColBytes, acc);
        }
      }
    }
    if (swapped) {
      // Each group's [co, groupChannels] block -> [groupChannels, co].
      const blocks = dwv.slice();
      for (let at = 0; at < blocks.length; at += co * groupChannels) {
        for (let o = 0; o < co; o++) for (let i = 0; i < groupChannels; i++) dwv[at + i * co + o] = blocks[at + o * groupChannels + i];
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
    const memory = outerProductHeap(backend);
    const simd = memory === undefined ? undefined : conv2DBackpropFilterSimd(backend, memory, x, dy, info);
    if (simd !== undefined) return simd;
    if (tf.getKernel("Conv2D", "wasm") !== undefined) return conv2DBackpropFilterAsConv(backend, x, dy, info);
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
