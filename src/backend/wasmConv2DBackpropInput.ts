import * as tf from "@tensorflow/tfjs";
import { WasmKernelCalls, explicitPad, type WasmHeapBackend } from "./wasmKernelCalls.js";
import { overrideWasmKernel, restoreWasmKernel } from "./wasmKernelOverride.js";

/**
 * Why: the stock wasm Conv2DBackpropInput of tfjs 4.22 is a scalar loop (~270 ms for the second
 * conv layer of the MNIST CNN, batch 128, against ~25 ms for the forward Conv2D, XNNPACK).
 * The input gradient is a forward convolution:
 *   dX = conv2d(dY dilated by the strides, W flipped in space with in/out channels swapped),
 * padded by (filter - 1 - pad) before and whatever makes the output the input's size after.
 * For stride 1 dY goes to the Conv2D kernel as it is; otherwise the zero-dilated copy is built
 * on the heap. NCHW, dilated filters and paddings wider than the filter keep the stock kernel.
 */

interface Attrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape: [number, number, number, number];
}

/** W[r, c, i, o] -> W'[fH-1-r, fW-1-c, o, i], written into `out`. */
export function flipAndSwapFilter(w: ArrayLike<number>, shape: readonly number[], out: Float32Array): void {
  const [fH, fW, ci, co] = shape;
  for (let r = 0; r < fH; r++) {
    for (let c = 0; c < fW; c++) {
      const src = (r * fW + c) * ci * co;
      const dst = ((fH - 1 - r) * fW + (fW - 1 - c)) * co * ci;
      for (let i = 0; i < ci; i++) {
        for (let o = 0; o < co; o++) out[dst + o * ci + i] = w[src + i * co + o];
      }
    }
  }
}

function backpropInputAsConv(
  backend: WasmHeapBackend,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo | undefined {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, outChannels } = info;
  const { filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW } = info;
  const dilatedH = (outHeight - 1) * sH + 1;
  const dilatedW = (outWidth - 1) * sW + 1;
  const top = fH - 1 - info.padInfo.top;
  const left = fW - 1 - info.padInfo.left;
  const bottom = inHeight - dilatedH + info.padInfo.top;
  const right = inWidth - dilatedW + info.padInfo.left;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return undefined;

  const calls = new WasmKernelCalls(backend);
  try {
    // Allocate before taking heap views: makeOutput may grow (and detach) the heap.
    const wf = calls.output([fH, fW, outChannels, info.inChannels]);
    let dyd = dy;
    if (sH > 1 || sW > 1) dyd = calls.output([batchSize, dilatedH, dilatedW, outChannels]);
    flipAndSwapFilter(backend.typedArrayFromHeap(filter), filter.shape, backend.typedArrayFromHeap(wf) as Float32Array);
    if (dyd !== dy) {
      const src = backend.typedArrayFromHeap(dy) as Float32Array;
      const dst = backend.typedArrayFromHeap(dyd) as Float32Array;
      dst.fill(0);
      for (let b = 0; b < batchSize; b++) {
        for (let y = 0; y < outHeight; y++) {
          for (let x = 0; x < outWidth; x++) {
            const from = ((b * outHeight + y) * outWidth + x) * outChannels;
            const to = ((b * dilatedH + y * sH) * dilatedW + x * sW) * outChannels;
            dst.set(src.subarray(from, from + outChannels), to);
          }
        }
      }
    }
    const dx = calls.run(
      "Conv2D",
      { x: dyd, filter: wf },
      { strides: 1, pad: explicitPad(top, bottom, left, right), dataFormat: "NHWC", dilations: 1, dimRoundingMode: undefined },
    );
    return calls.keep(dx);
  } finally {
    calls.dispose();
  }
}

function wasmConv2DBackpropInput(original: tf.KernelFunc): tf.KernelFunc {
  const kernelFunc: tf.KernelFunc = (args) => {
    const dy = args.inputs.dy as tf.TensorInfo;
    const filter = args.inputs.filter as tf.TensorInfo;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as Attrs;
    const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
    if (format !== "channelsLast" || dy.dtype !== "float32" || filter.dtype !== "float32") return original(args);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      format,
    );
    return backpropInputAsConv(args.backend as unknown as WasmHeapBackend, dy, filter, info) ?? original(args);
  };
  return kernelFunc;
}

/** Replaces the wasm Conv2DBackpropInput kernel (see the top of this file). Idempotent; true when changed. */
export function installWasmConv2DBackpropInput(): boolean {
  if (tf.getKernel("Conv2D", "wasm") === undefined) return false;
  return overrideWasmKernel("Conv2DBackpropInput", wasmConv2DBackpropInput);
}

/** Restores the stock kernel (for A/B measurements and tests). */
export function uninstallWasmConv2DBackpropInput(): void {
  restoreWasmKernel("Conv2DBackpropInput");
}
