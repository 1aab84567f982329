import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { isWasmKernelOverridden, overrideWasmKernel, restoreWasmKernel } from "../../src/backend/wasmKernelOverride.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("overrideWasmKernel", () => {
  it("wraps the stock kernel once, restores it, and leaves unknown kernels alone", async () => {
    await tf.setBackend("wasm");
    const stock = tf.getKernel("Neg", "wasm")!.kernelFunc;
    let calls = 0;
    const wrap = (s: tf.KernelFunc): tf.KernelFunc => (args) => {
      calls++;
      return s(args);
    };
    expect(isWasmKernelOverridden("Neg")).toBe(false);
    expect(overrideWasmKernel("Neg", wrap)).toBe(true);
    expect(overrideWasmKernel("Neg", wrap)).toBe(false);
    expect(isWasmKernelOverridden("Neg")).toBe(true);
    expect(Array.from(tf.neg(tf.tensor1d([1, -2])).dataSync())).toEqual([-1, 2]);
    expect(calls).toBe(1);
    restoreWasmKernel("Neg");
    expect(tf.getKernel("Neg", "wasm")!.kernelFunc).toBe(stock);
    expect(isWasmKernelOverridden("Neg")).toBe(false);
    restoreWasmKernel("Neg");
    expect(overrideWasmKernel("NoSuchKernel", wrap)).toBe(false);
  });
});
