import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { installWasmSum } from "../../src/backend/wasmSum.js";
import { expectClose, seededValues, sizeOf, valuesOn } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const CASES: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
  { shape: [64, 10], axis: 0, keepDims: false },
  { shape: [7, 9], axis: 0, keepDims: false }, // 4 rows per pass and a remainder of 3
  { shape: [8, 5, 6, 7], axis: [0, 1, 2], keepDims: false },
  { shape: [8, 5, 6, 7], axis: [2, 1], keepDims: true },
  { shape: [3, 4, 5], axis: [-2], keepDims: false },
  { shape: [3, 4, 5], axis: [0, 2], keepDims: false }, // not contiguous: stock kernel
  { shape: [3, 4, 5], axis: 2, keepDims: true }, // innermost: stock kernel
  { shape: [3, 4, 5], axis: [0, 1, 2], keepDims: false },
];

describe("wasm Sum", () => {
  it("is installed by initBackend, idempotently", () => {
    expect(installWasmSum()).toBe(false);
  });

  it.each(CASES)("matches cpu for %j", async (c) => {
    const xv = seededValues(sizeOf(c.shape), 7);
    const f = () => tf.sum(tf.tensor(xv, c.shape), c.axis, c.keepDims);
    await tf.setBackend("cpu");
    const cpuShape = tf.tidy(() => f().shape);
    const [cpu] = await valuesOn("cpu", f);
    await tf.setBackend("wasm");
    expect(tf.tidy(() => f().shape)).toEqual(cpuShape);
    const [wasm] = await valuesOn("wasm", f);
    expectClose(wasm, cpu, 1e-5, 1e-5);
  });

  it("sums int32 tensors with the stock kernel", async () => {
    await tf.setBackend("wasm");
    const s = tf.tidy(() => tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], "int32"), 0).arraySync());
    expect(s).toEqual([4, 6]);
  });
});
