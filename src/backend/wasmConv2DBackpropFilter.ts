import * as tf from "@tensorflow/tfjs";

/**
 * Why: tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter kernel, so training any conv2d
 * layer on wasm throws "Kernel 'Conv2DBackpropFilter' not registered". This supplies one: a
 * direct loop over the wasm heap (the same arithmetic as the cpu backend, ordered as an
 * outer-product accumulation so the inner loop walks contiguous output channels).
 *
 * dW[r, c, i, o] = sum_{b, y, x} X[b, y*sH + r - padTop, x*sW + c - padLeft, i] * dY[b, y, x, o]
 * (dilations are 1: tfjs does not differentiate dilated conv2d).
 */

interface WasmHeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
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
