import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { installWasmConv2DBackpropInput } from "../../src/backend/wasmConv2DBackpropInput.js";
import { backendBuffers, type ConvCase, expectClose, seededValues, sizeOf, valuesOn } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});


const CASES: ConvCase[] = [
  { x: [2, 5, 5, 1], filter: [3, 3, 1, 2], strides: 1, pad: "valid" },
  { x: [1, 6, 7, 3], filter: [3, 2, 3, 4], strides: 1, pad: "same" },
  { x: [3, 7, 6, 2], filter: [3, 3, 2, 3], strides: [2, 2], pad: "same" },
  { x: [2, 8, 8, 2], filter: [2, 3, 2, 2], strides: [2, 1], pad: "valid" },
  { x: [2, 11, 10, 3], filter: [5, 3, 3, 4], strides: [3, 2], pad: "valid" },
  { x: [1, 5, 5, 2], filter: [3, 3, 2, 1], strides: 1, pad: 1 },
  { x: [4, 12, 12, 8], filter: [3, 3, 8, 16], strides: 1, pad: "same" },
  { x: [2, 9, 9, 4], filter: [3, 3, 4, 5], strides: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  // Padding wider than the filter: the stock kernel.
  { x: [1, 6, 6, 3], filter: [2, 2, 3, 2], strides: 1, pad: [[0, 0], [3, 3], [2, 2], [0, 0]] },
];

describe("wasm Conv2DBackpropInput", () => {
  it("is installed by initBackend, idempotently", () => {
    expect(installWasmConv2DBackpropInput()).toBe(false);
  });

  it.each(CASES)("matches cpu for the input gradient of conv2d %j", async (c) => {
    const xv = seededValues(sizeOf(c.x), 1);
    const fv = seededValues(sizeOf(c.filter), 2);
    const f = () => {
      const x = tf.tensor4d(xv, c.x);
      const filter = tf.tensor4d(fv, c.filter);
      const loss = (v: tf.Tensor) => tf.sum(tf.square(tf.conv2d(v as tf.Tensor4D, filter, c.strides, c.pad)));
      return tf.grad(loss)(x);
    };
    const [cpu] = await valuesOn("cpu", f);
    const [wasm] = await valuesOn("wasm", f);
    expectClose(wasm, cpu, 1e-4, 1e-4);
  });

  it("matches cpu for NCHW inputs (stock kernel, called directly)", async () => {
    const dy = seededValues(2 * 4 * 3 * 3, 4);
    const w = seededValues(3 * 3 * 3 * 4, 5);
    const f = () =>
      tf.engine().runKernel(
        "Conv2DBackpropInput",
        { dy: tf.tensor4d(dy, [2, 4, 3, 3]), filter: tf.tensor4d(w, [3, 3, 3, 4]) },
        { strides: [2, 2], pad: "same", dataFormat: "NCHW", dimRoundingMode: undefined, inputShape: [2, 3, 6, 5] } as never,
      ) as tf.Tensor;
    const [cpu] = await valuesOn("cpu", f);
    const [wasm] = await valuesOn("wasm", f);
    expectClose(wasm, cpu, 1e-4, 1e-4);
  });

  it("allocates only its output", async () => {
    await tf.setBackend("wasm");
    const dy = tf.tensor4d(seededValues(2 * 3 * 3 * 2, 6), [2, 3, 3, 2]);
    const filter = tf.tensor4d(seededValues(3 * 3 * 1 * 2, 7), [3, 3, 1, 2]);
    const before = backendBuffers();
    const dx = tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, {
      strides: 2,
      pad: "same",
      dataFormat: "NHWC",
      inputShape: [2, 6, 6, 1],
    } as never) as tf.Tensor;
    expect(dx.shape).toEqual([2, 6, 6, 1]);
    expect(backendBuffers()).toBe(before + 1);
    tf.dispose([dy, filter, dx]);
  });
});
