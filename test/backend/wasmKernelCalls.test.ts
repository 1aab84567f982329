import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { WasmKernelCalls, type WasmHeapBackend } from "../../src/backend/wasmKernelCalls.js";
import { backendBuffers } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("WasmKernelCalls", () => {
  it("runs kernels on the heap and frees every intermediate except the kept result", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const before = backendBuffers();
    const calls = new WasmKernelCalls(tf.backend() as unknown as WasmHeapBackend);
    const t = calls.run("Transpose", { x }, { perm: [1, 0] });
    const kept = calls.keep(calls.run("Transpose", { x: t }, { perm: [1, 0] }));
    calls.output([4]);
    calls.dispose();
    expect(backendBuffers()).toBe(before + 1);
    const result = tf.engine().makeTensorFromTensorInfo(kept);
    expect(result.arraySync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    tf.dispose([x, result]);
  });
});
