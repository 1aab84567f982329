import * as tf from "@tensorflow/tfjs";
import { WasmKernelCalls, type WasmHeapBackend } from "./wasmKernelCalls.js";
import { overrideWasmKernel, restoreWasmKernel } from "./wasmKernelOverride.js";
import { outerProductBlocking, outerProductHeap, wasmOuterProductAccumulate } from "./wasmOuterProductSimd.js";
import { paddedInput } from "./wasmPaddedInput.js";

/**
 * Why: the wasm Conv2D kernel (XNNPACK) reaches ~30 GFLOP/s on the MNIST CNN's second layer and
 * 6-16 GFLOP/s with few channels (the conv SATAE's 7x7 layers), under the machine's wasm SIMD
 * ceiling (~40). The convolution is, per output row, an accumulation of outer products
 *   y[b, yr, p, o] = sum_{r, (c, i)} Xpad[b, yr sH + r, p sW + c, i] W[r, c, i, o]
 * over a zero-padded copy of X, in which a filter row's (c, i) are fW x inChannels contiguous
 * floats and W's rows are contiguous: the SIMD loop of wasmOuterProductSimd.ts with the output
 * pixels of a row as its rows (stride sW x inChannels) and the output channels as its columns.
 * NHWC float32, no dilation, output channels a multiple of 4 and at least 25 products per output
 * (fH fW inChannels: with fewer, e.g. 3x3 on one channel, the loop only moves memory and XNNPACK
 * is as fast); other convolutions keep XNNPACK. The wasm Conv2DBackpropInput override runs
 * through this kernel too. Same sums in the same order as XNNPACK on these shapes (the tests
 * compare against the cpu backend).
 */

interface Conv2DAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dilations: [number, number] | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** Products per output below which XNNPACK stays (measured: 9 slower, 49 and more faster). */
const MIN_PRODUCTS_PER_OUTPUT = 25;

function conv2DSimd(backend: WasmHeapBackend, memory: WebAssembly.Memory, x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | undefined {
  const { batchSize: nb, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW } = info;
  const blocking = outerProductBlocking(ow, co);
  if (blocking === undefined) return undefined;
  const accumulate = wasmOuterProductAccumulate(memory, { ...blocking, inStrideBytes: sW * ci * 4 });
  const calls = new WasmKernelCalls(backend);
  try {
    const { padded, height: hp, width: wp } = paddedInput(calls, x, info);
    const y = calls.output([nb, oh, ow, co]);
    // Views after every allocation: makeOutput may grow (and detach) the heap.
    const pAt = (backend.typedArrayFromHeap(padded) as Float32Array).byteOffset;
    const wAt = (backend.typedArrayFromHeap(filter) as Float32Array).byteOffset;
    const yv = backend.typedArrayFromHeap(y) as Float32Array;
    yv.fill(0);
    for (let b = 0; b < nb; b++) {
      for (let yr = 0; yr < oh; yr++) {
        const xFirst = pAt + (b * hp + yr * sH) * wp * ci * 4;
        accumulate(xFirst, wAt, fH, fW * ci, wp * ci * 4, 4, fW * ci * co * 4, co * 4, yv.byteOffset + (b * oh + yr) * ow * co * 4);
      }
    }
    return calls.keep(y);
  } finally {
    calls.dispose();
  }
}

function wasmConv2D(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const filter = args.inputs.filter as tf.TensorInfo;
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as Conv2DAttrs;
    const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
    const [fH, fW, ci, co] = filter.shape;
    const dilated = typeof dilations === "number" ? dilations !== 1 : dilations.some((d) => d !== 1);
    if (format !== "channelsLast" || x.dtype !== "float32" || filter.dtype !== "float32" || dilated || co % 4 !== 0 || fH * fW * ci < MIN_PRODUCTS_PER_OUTPUT) return stock(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const memory = outerProductHeap(backend);
    if (memory === undefined) return stock(args);
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], [fH, fW, ci, co], strides, 1, pad, dimRoundingMode, false, format);
    return conv2DSimd(backend, memory, x, filter, info) ?? stock(args);
  };
}

/** Replaces the wasm Conv2D kernel (see the top of this file). Idempotent; true when changed. */
export function installWasmConv2D(): boolean {
  return overrideWasmKernel("Conv2D", wasmConv2D);
}

/** Restores the stock kernel (for A/B measurements and tests). */
export function uninstallWasmConv2D(): void {
  restoreWasmKernel("Conv2D");
}
