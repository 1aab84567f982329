import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { WasmKernelCalls, type WasmHeapBackend } from "../../src/backend/wasmKernelCalls.js";
import { paddedInput } from "../../src/backend/wasmPaddedInput.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("paddedInput", () => {
  it("copies x into zeros at (top, left) and cuts what lies beyond the new size", async () => {
    await tf.setBackend("wasm");
    const backend = tf.backend() as unknown as WasmHeapBackend;
    // two 2x3 images with 2 channels; padded to 4 x 4 at (1, 2): the third column is cut off
    const x = tf.tensor4d(Array.from({ length: 24 }, (_, i) => i + 1), [2, 2, 3, 2]);
    const info = { dataId: x.dataId, shape: x.shape, dtype: x.dtype } as tf.TensorInfo;
    const calls = new WasmKernelCalls(backend);
    const padded = paddedInput(calls, info, 1, 2, 4, 4);
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
