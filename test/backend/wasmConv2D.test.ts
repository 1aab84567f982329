import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { installWasmConv2D, uninstallWasmConv2D } from "../../src/backend/wasmConv2D.js";
import { backendBuffers, type ConvCase, expectClose, seededValues, sizeOf, valuesOn } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});


const CASES: ConvCase[] = [
  // At least 25 products per output, output channels in fours: the SIMD loop.
  { x: [2, 14, 14, 32], filter: [3, 3, 32, 64], strides: 1, pad: "same" },
  { x: [2, 12, 12, 8], filter: [3, 3, 8, 16], strides: 1, pad: "valid" },
  { x: [2, 13, 11, 1], filter: [7, 7, 1, 8], strides: 1, pad: "same" },
  { x: [3, 11, 10, 3], filter: [5, 3, 3, 4], strides: [3, 2], pad: "valid" },
  { x: [2, 9, 9, 4], filter: [3, 3, 4, 12], strides: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [1, 10, 7, 5], filter: [3, 2, 5, 4], strides: [1, 2], pad: "same" },
  // The stock kernel: few products per output, channels not in fours, dilation.
  { x: [2, 8, 8, 1], filter: [3, 3, 1, 32], strides: 1, pad: "same" },
  { x: [2, 8, 8, 8], filter: [7, 7, 8, 1], strides: 1, pad: "same" },
  { x: [2, 9, 9, 4], filter: [3, 3, 4, 8], strides: 1, pad: "same", dilations: 2 },
];

describe("wasm Conv2D", () => {
  it("is installed by initBackend, idempotently, and can be uninstalled and reinstalled", () => {
    expect(installWasmConv2D()).toBe(false);
    uninstallWasmConv2D();
    expect(installWasmConv2D()).toBe(true);
  });

  it.each(CASES)("matches cpu for conv2d and both its gradients %j", async (c) => {
    const xv = seededValues(sizeOf(c.x), 1);
    const fv = seededValues(sizeOf(c.filter), 2);
    const f = () => {
      const x = tf.tensor4d(xv, c.x);
      const filter = tf.tensor4d(fv, c.filter);
      const y = tf.conv2d(x, filter, c.strides, c.pad, "NHWC", c.dilations ?? 1);
      if (c.dilations !== undefined) return [y];
      const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad)));
      return [y, ...tf.grads(loss)([x, filter])];
    };
    const cpu = await valuesOn("cpu", f);
    const wasm = await valuesOn("wasm", f);
    for (let i = 0; i < cpu.length; i++) expectClose(wasm[i]!, cpu[i]!, 1e-4, 1e-4);
  });

  it("allocates only its output", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor4d(seededValues(2 * 6 * 6 * 4, 3), [2, 6, 6, 4]);
    const filter = tf.tensor4d(seededValues(3 * 3 * 4 * 8, 4), [3, 3, 4, 8]);
    const before = backendBuffers();
    const y = tf.engine().runKernel("Conv2D", { x, filter }, { strides: 1, pad: "same", dataFormat: "NHWC", dilations: 1 } as never) as tf.Tensor;
    expect(y.shape).toEqual([2, 6, 6, 8]);
    expect(backendBuffers()).toBe(before + 1);
    tf.dispose([x, filter, y]);
  });
});
