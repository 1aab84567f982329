import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { ADAM_UPDATE_KERNEL, adamUpdateInto, installAdamUpdateKernel } from "../../src/backend/adamUpdateKernel.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
  installAdamUpdateKernel();
});

const attrs = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

describe("Adam update kernel", () => {
  it("computes m', v' and w' by Adam's formula (bias-corrected by 1 - beta^t)", () => {
    const [w, g, m, v] = [[1, -2], [0.5, -1], [0.1, 0], [0.01, 0.2]].map((a) => new Float32Array(a));
    const out = [0, 1, 2].map(() => new Float32Array(2));
    adamUpdateInto(w, g, m, v, 0.9 ** 3, 0.999 ** 3, attrs, out[0], out[1], out[2]);
    for (let i = 0; i < 2; i++) {
      const m1 = 0.9 * m[i] + 0.1 * g[i];
      const v1 = 0.999 * v[i] + 0.001 * g[i] * g[i];
      expect(out[1][i]).toBeCloseTo(m1, 7);
      expect(out[2][i]).toBeCloseTo(v1, 7);
      expect(out[0][i]).toBeCloseTo(w[i] - (0.1 * m1) / (1 - 0.9 ** 3) / (Math.sqrt(v1 / (1 - 0.999 ** 3)) + 1e-8), 6);
    }
  });

  it.each(["cpu", "wasm"])("gives the same three tensors on %s, without touching its inputs", async (backend) => {
    await tf.setBackend(backend);
    const inputs = {
      w: tf.tensor([1, -2, 3, 0.5], [2, 2]),
      g: tf.tensor([0.5, -1, 0, 2], [2, 2]),
      m: tf.zeros([2, 2]),
      v: tf.zeros([2, 2]),
      beta1Power: tf.scalar(0.9),
      beta2Power: tf.scalar(0.999),
    };
    const outs = tf.engine().runKernel(ADAM_UPDATE_KERNEL, inputs, attrs) as tf.Tensor[];
    expect(outs.map((t) => t.shape)).toEqual([[2, 2], [2, 2], [2, 2]]);
    // first step: w' = w - lr * sign(g) (up to epsilon) where g != 0
    expect(Array.from(outs[0].dataSync()).map((x) => +x.toFixed(5))).toEqual([0.9, -1.9, 3, 0.4]);
    expect(Array.from(inputs.w.dataSync())).toEqual([1, -2, 3, 0.5]);
    tf.dispose([...outs, ...Object.values(inputs)]);
    await tf.setBackend("wasm");
  });

  it("refuses mismatched sizes and non-float32 inputs", () => {
    const ok = { w: tf.zeros([3]), g: tf.zeros([3]), m: tf.zeros([3]), v: tf.zeros([3]), beta1Power: tf.scalar(0.9), beta2Power: tf.scalar(0.999) };
    expect(() => tf.engine().runKernel(ADAM_UPDATE_KERNEL, { ...ok, g: tf.zeros([4]) }, attrs)).toThrow(/shapes 3 and 4 differ/);
    expect(() => tf.engine().runKernel(ADAM_UPDATE_KERNEL, { ...ok, g: tf.zeros([3], "int32") }, attrs)).toThrow(/float32 inputs only/);
  });
});
