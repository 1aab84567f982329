import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { installWasmUnsortedSegmentSum } from "../../src/backend/wasmUnsortedSegmentSum.js";
import { expectClose, seededValues, valuesOn } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("wasm UnsortedSegmentSum", () => {
  it("is registered by initBackend, idempotently", () => {
    expect(tf.getKernel("UnsortedSegmentSum", "wasm")).toBeDefined();
    expect(installWasmUnsortedSegmentSum()).toBe(false);
  });

  it("matches cpu for float32 and int32, repeated, missing and out-of-range ids", async () => {
    const xv = seededValues(6 * 3, 1, -5, 5);
    const ids = [2, 0, 2, 5, 1, 2];
    for (const dtype of ["float32", "int32"] as const) {
      const f = () => tf.cast(tf.unsortedSegmentSum(tf.cast(tf.tensor2d(xv, [6, 3]), dtype), tf.tensor1d(ids, "int32"), 4), "float32");
      const [cpu] = await valuesOn("cpu", f);
      const [wasm] = await valuesOn("wasm", f);
      expect(Array.from(wasm)).toEqual(Array.from(cpu));
    }
    const [one] = await valuesOn("wasm", () => tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([1, 1, 0, 3], "int32"), 3));
    expect(Array.from(one)).toEqual([3, 3, 0]);
  });

  it("makes tf.gather differentiable on wasm, as on cpu", async () => {
    const xv = seededValues(5 * 4, 2);
    const f = () =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.gather(x, tf.tensor1d([4, 0, 4, 2], "int32")))))(tf.tensor2d(xv, [5, 4]));
    const [cpu] = await valuesOn("cpu", f);
    const [wasm] = await valuesOn("wasm", f);
    expectClose(wasm, cpu, 1e-6, 1e-7);
  });
});
