import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { installWasmSign } from "../../src/backend/wasmSign.js";
import { seededValues, valuesOn } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("wasm Sign", () => {
  it("is installed by initBackend, idempotently", () => {
    expect(installWasmSign()).toBe(false);
  });

  it("matches cpu, zeros, infinities and NaN included", async () => {
    const v = Float32Array.from([...seededValues(97, 3), 0, -0, Infinity, -Infinity, NaN, 1e-30, -1e-30]);
    const f = () => tf.sign(tf.tensor2d(v, [8, 13]));
    const [cpu] = await valuesOn("cpu", f);
    const [wasm] = await valuesOn("wasm", f);
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });

  it("matches cpu when the length is not a multiple of four (the SIMD loop's tail in JS)", async () => {
    const v = Float32Array.from([...seededValues(16, 4), -0, NaN, 2, -2, 0]);
    const f = () => tf.sign(tf.tensor2d(v, [7, 3]));
    const [cpu] = await valuesOn("cpu", f);
    const [wasm] = await valuesOn("wasm", f);
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });

  it("keeps int32 tensors on the stock kernel", async () => {
    await tf.setBackend("wasm");
    const s = tf.tidy(() => Array.from(tf.sign(tf.tensor1d([-3, 0, 5], "int32")).dataSync()));
    expect(s).toEqual([-1, 0, 1]);
  });
});
