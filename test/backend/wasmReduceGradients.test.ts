import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import {
  installWasmReduceGradients,
  isWasmReduceGradientsInstalled,
  uninstallWasmReduceGradients,
} from "../../src/backend/wasmReduceGradients.js";
import { expectClose, seededValues, valuesOn } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const AXES: (number | number[] | undefined)[] = [undefined, 0, 1, [0, 2], -1];

describe("Sum and Mean gradients on wasm", () => {
  it("are installed by initBackend and idempotent", () => {
    expect(isWasmReduceGradientsInstalled()).toBe(true);
    expect(installWasmReduceGradients()).toBe(false);
  });

  it.each(AXES)("match the cpu gradients for axis %j (with and without keepDims)", async (axis) => {
    const xv = seededValues(2 * 3 * 4, 5);
    const wv = seededValues(2 * 3 * 4, 6);
    for (const keepDims of [false, true]) {
      const f = () => {
        const x = tf.tensor3d(xv, [2, 3, 4]);
        const w = tf.tensor3d(wv, [2, 3, 4]);
        const loss = (v: tf.Tensor) =>
          tf.add(tf.sum(tf.square(tf.sum(tf.mul(v, w), axis, keepDims))), tf.sum(tf.exp(tf.mean(v, axis, keepDims))));
        return tf.grad(loss)(x);
      };
      const [cpu] = await valuesOn("cpu", f);
      const [wasm] = await valuesOn("wasm", f);
      expectClose(wasm, cpu, 1e-5, 1e-6);
    }
  });

  it("give the stock result when removed, and int32 sums still differentiate to float32", async () => {
    const f = () => tf.grad((v: tf.Tensor) => tf.sum(tf.mean(tf.mul(v, v), 0)))(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]));
    const [patched] = await valuesOn("wasm", f);
    uninstallWasmReduceGradients();
    expect(isWasmReduceGradientsInstalled()).toBe(false);
    const [stock] = await valuesOn("wasm", f);
    expect(installWasmReduceGradients()).toBe(true);
    expect(Array.from(patched)).toEqual(Array.from(stock));
    expectClose(patched, [2 / 3, 4 / 3, 2, 8 / 3, 10 / 3, 4], 1e-6, 0);
    await tf.setBackend("wasm");
    const g = tf.grad((v: tf.Tensor) => tf.cast(tf.sum(tf.cast(v, "int32")), "float32"))(tf.tensor1d([1.5, 2.5]));
    expect(g.dtype).toBe("float32");
    g.dispose();
  });
});
