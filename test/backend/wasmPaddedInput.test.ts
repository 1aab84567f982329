import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { WasmKernelCalls, type WasmHeapBackend } from "../../src/backend/wasmKernelCalls.js";
import { paddedInput } from "../../src/backend/wasmPaddedInput.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("paddedInput", () => {
  it("copies x into zeros at the padding (top, left), sized to what the outputs read, and cuts what lies beyond", async () => {
    await tf.setBackend("wasm");
    const backend = tf.backend() as unknown as WasmHeapBackend;
    // two 2x3 images with 2 channels; padded to 4 x 4 at (1, 2): the third column is cut off
    const x = tf.tensor4d(Array.from({ length: 24 }, (_, i) => i + 1), [2, 2, 3, 2]);
    const info = { dataId: x.dataId, shape: x.shape, dtype: x.dtype } as tf.TensorInfo;
    const calls = new WasmKernelCalls(backend);
    // a convolution whose 2 x 2 outputs read 3 x 3 windows at stride 1, padded by 1 on top and 2 on the left: 4 x 4
    const conv = { padInfo: { top: 1, left: 2 }, outHeight: 2, outWidth: 2, strideHeight: 1, strideWidth: 1, filterHeight: 3, filterWidth: 3 } as tf.backend_util.Conv2DInfo;
    const { padded, height, width } = paddedInput(calls, info, conv);
    expect([height, width]).toEqual([4, 4]);
    const v = Array.from(backend.typedArrayFromHeap(padded));
    const expected = new Array(2 * 4 * 4 * 2).fill(0);
    for (let b = 0; b < 2; b++) {
      for (let r = 0; r < 2; r++) {
        for (let c = 0; c < 2; c++) for (let ch = 0; ch < 2; ch++) expected[((b * 4 + r + 1) * 4 + c + 2) * 2 + ch] = ((b * 2 + r) * 3 + c) * 2 + ch + 1;
      }
    }
    expect(v).toEqual(expected);
    calls.dispose();
    x.dispose();
  });
});
