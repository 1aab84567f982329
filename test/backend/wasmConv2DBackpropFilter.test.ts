import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { installWasmConv2DBackpropFilter } from "../../src/backend/wasmConv2DBackpropFilter.js";
import { backendBuffers, type ConvCase, expectClose, seededValues, sizeOf, valuesOn } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});


const CASES: ConvCase[] = [
  // Neither channel count a multiple of 4: the XNNPACK convolution path.
  { x: [2, 5, 5, 1], filter: [3, 3, 1, 2], strides: 1, pad: "valid" },
  { x: [3, 7, 6, 2], filter: [3, 3, 2, 3], strides: [2, 2], pad: "same" },
  { x: [2, 8, 8, 2], filter: [2, 3, 2, 2], strides: [2, 1], pad: "valid" },
  { x: [1, 5, 5, 2], filter: [3, 3, 2, 1], strides: 1, pad: 1 },
  { x: [2, 6, 7, 1], filter: [3, 3, 1, 9], strides: 1, pad: [[0, 0], [2, 0], [1, 2], [0, 0]] },
  { x: [1, 6, 6, 3], filter: [2, 2, 3, 2], strides: 1, pad: [[0, 0], [3, 3], [2, 2], [0, 0]] },
  // Output channels a multiple of 4: the SIMD loop (register blocks 1, 2, 3, 4 input channels x 1 or 2 groups of 4).
  { x: [1, 6, 7, 3], filter: [3, 2, 3, 4], strides: 1, pad: "same" },
  { x: [3, 9, 8, 1], filter: [3, 3, 1, 16], strides: 1, pad: "same" },
  { x: [2, 9, 8, 1], filter: [3, 3, 1, 12], strides: [2, 3], pad: "valid" },
  { x: [2, 7, 7, 2], filter: [2, 2, 2, 8], strides: 2, pad: "same" },
  { x: [2, 14, 14, 1], filter: [5, 5, 1, 8], strides: 1, pad: "same" },
  { x: [2, 10, 9, 1], filter: [3, 4, 1, 8], strides: 1, pad: "valid" },
  { x: [2, 9, 10, 1], filter: [4, 3, 1, 4], strides: 1, pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
  { x: [1, 6, 6, 1], filter: [7, 7, 1, 12], strides: 1, pad: "same" },
  { x: [4, 12, 12, 8], filter: [3, 3, 8, 16], strides: 1, pad: "same" },
  { x: [2, 11, 10, 3], filter: [5, 3, 3, 4], strides: [3, 2], pad: "valid" },
  { x: [2, 9, 9, 12], filter: [3, 3, 12, 24], strides: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  // Only input channels a multiple of 4: the SIMD loop with the roles swapped.
  { x: [2, 9, 9, 4], filter: [3, 3, 4, 5], strides: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [2, 10, 10, 8], filter: [7, 7, 8, 1], strides: 1, pad: "same" },
  { x: [2, 9, 8, 12], filter: [3, 2, 12, 3], strides: [1, 2], pad: "valid" },
];

describe("wasm Conv2DBackpropFilter", () => {
  it("is registered by initBackend, idempotently", () => {
    expect(tf.getKernel("Conv2DBackpropFilter", "wasm")).toBeDefined();
    expect(installWasmConv2DBackpropFilter()).toBe(false);
  });

  it.each(CASES)("matches cpu for the filter gradient of conv2d %j", async (c) => {
    const xv = seededValues(sizeOf(c.x), 1);
    const fv = seededValues(sizeOf(c.filter), 2);
    const f = () => {
      const x = tf.tensor4d(xv, c.x);
      const filter = tf.tensor4d(fv, c.filter);
      const loss = (w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, w as tf.Tensor4D, c.strides, c.pad)));
      return tf.grad(loss)(filter);
    };
    const [cpu] = await valuesOn("cpu", f);
    const [wasm] = await valuesOn("wasm", f);
    expectClose(wasm, cpu, 1e-4, 1e-4);
  });

  it("matches cpu for NCHW inputs (kernel called directly)", async () => {
    const x = seededValues(2 * 3 * 6 * 5, 3);
    const dy = seededValues(2 * 4 * 3 * 3, 4);
    const f = () =>
      tf.engine().runKernel(
        "Conv2DBackpropFilter",
        { x: tf.tensor4d(x, [2, 3, 6, 5]), dy: tf.tensor4d(dy, [2, 4, 3, 3]) },
        { strides: [2, 2], pad: "same", dataFormat: "NCHW", dimRoundingMode: undefined, filterShape: [3, 3, 3, 4] } as never,
      ) as tf.Tensor;
    const [cpu] = await valuesOn("cpu", f);
    const [wasm] = await valuesOn("wasm", f);
    expectClose(wasm, cpu, 1e-4, 1e-4);
  });

  it("allocates only its output", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor4d(seededValues(50, 5), [2, 5, 5, 1]);
    const dy = tf.tensor4d(seededValues(2 * 3 * 3 * 2, 6), [2, 3, 3, 2]);
    const before = backendBuffers();
    const dw = tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
      strides: 1,
      pad: "valid",
      dataFormat: "NHWC",
      filterShape: [3, 3, 1, 2],
    } as never) as tf.Tensor;
    expect(dw.shape).toEqual([3, 3, 1, 2]);
    expect(backendBuffers()).toBe(before + 1);
    tf.dispose([x, dy, dw]);
  });
});
