import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { installWasmMaxPoolGrad, maxPool2x2GradInto } from "../../src/backend/wasmPoolGradients.js";
import { backendBuffers, expectClose, seededValues, sizeOf, valuesOn } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

interface Case {
  x: [number, number, number, number];
  size: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number;
}

const CASES: Case[] = [
  { x: [2, 8, 8, 3], size: 2, strides: 2, pad: "same" },
  { x: [2, 7, 7, 4], size: 2, strides: 2, pad: "same" },
  { x: [2, 7, 9, 2], size: 3, strides: 2, pad: "valid" },
  { x: [1, 9, 8, 5], size: [3, 2], strides: [1, 2], pad: "same" },
  { x: [3, 6, 6, 1], size: 3, strides: 1, pad: 1 },
  // Windows that tile the input, channels in fours: the SIMD loop.
  { x: [2, 8, 8, 8], size: 2, strides: 2, pad: "valid" },
  { x: [3, 6, 10, 4], size: 2, strides: 2, pad: "same" },
];

describe("wasm MaxPoolGrad", () => {
  it("is installed by initBackend, idempotently", () => {
    expect(installWasmMaxPoolGrad()).toBe(false);
  });

  it.each(CASES)("matches cpu for the gradient of maxPool %j", async (c) => {
    const xv = seededValues(sizeOf(c.x), 3);
    const f = () => {
      const x = tf.tensor4d(xv, c.x);
      // relu makes ties (windows of zeros), where the first maximum must win as on cpu.
      const loss = (v: tf.Tensor) => {
        const y = tf.maxPool(tf.relu(v as tf.Tensor4D), c.size, c.strides, c.pad);
        return tf.sum(tf.mul(y, tf.range(1, y.size + 1).reshape(y.shape)));
      };
      return tf.grad(loss)(x);
    };
    const [cpu] = await valuesOn("cpu", f);
    const [wasm] = await valuesOn("wasm", f);
    expectClose(wasm, cpu, 1e-6, 1e-6);
  });

  it("matches cpu on windows of negative values and ties (kernel called directly)", async () => {
    const xv = seededValues(2 * 6 * 6 * 3, 4, -2, -1).map((v, i) => (i % 5 === 0 ? -1 : v));
    const dyv = seededValues(2 * 3 * 3 * 3, 5);
    const f = () => {
      const input = tf.tensor4d(xv, [2, 6, 6, 3]);
      const output = tf.maxPool(input, 2, 2, "same");
      return tf.engine().runKernel("MaxPoolGrad", { dy: tf.tensor4d(dyv, [2, 3, 3, 3]), input, output }, {
        filterSize: 2,
        strides: 2,
        pad: "same",
      } as never) as tf.Tensor;
    };
    const [cpu] = await valuesOn("cpu", f);
    const [wasm] = await valuesOn("wasm", f);
    expectClose(wasm, cpu, 0, 0);
  });

  it("2 x 2 windows: the first maximum in row-major order wins, NaN and -Infinity never do; a cut-off window uses its pixels", () => {
    // one image 3 x 3, one channel, "same": windows {0,1,3,4}, {2,5}, {6,7}, {8}
    const x = new Float32Array([NaN, 1, -Infinity, 1, 0, -Infinity, 5, 5, -2]);
    const dy = new Float32Array([10, 20, 30, 40]);
    const dx = new Float32Array(9).fill(7);
    const info = tf.backend_util.computePool2DInfo([1, 3, 3, 1], 2, 2, 1, "same");
    maxPool2x2GradInto(x, dy, dx, info);
    expect(Array.from(dx)).toEqual([0, 10, 0, 0, 0, 0, 30, 0, 40]);
  });

  it("allocates only its output", async () => {
    await tf.setBackend("wasm");
    const input = tf.tensor4d(seededValues(2 * 4 * 4 * 2, 6), [2, 4, 4, 2]);
    const output = tf.maxPool(input, 2, 2, "valid");
    const dy = tf.onesLike(output);
    const before = backendBuffers();
    const dx = tf.engine().runKernel("MaxPoolGrad", { dy, input, output }, { filterSize: 2, strides: 2, pad: "valid" } as never) as tf.Tensor;
    expect(dx.shape).toEqual([2, 4, 4, 2]);
    expect(backendBuffers()).toBe(before + 1);
    tf.dispose([input, output, dy, dx]);
  });
});
