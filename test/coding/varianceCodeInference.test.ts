import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { normalizeColumns } from "../../src/coding/dictionaryUpdate.js";
import { inferVarianceCodes, varianceCodeEnergy } from "../../src/coding/varianceCodeInference.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("inferVarianceCodes", () => {
  it("never increases the energy and meets the L1 optimality conditions", () => {
    const B = normalizeColumns(tf.randomNormal([12, 4], 0, 1, "float32", 1));
    const bias = tf.zeros([12]) as tf.Tensor1D;
    const m = tf.tidy(() => tf.add(tf.abs(tf.randomNormal([6, 12], 0, 1, "float32", 2)), 0.05)) as tf.Tensor2D;
    const lambda = 0.3;
    const r = inferVarianceCodes(m, B, bias, { lambda, iterations: 400, recordEnergy: true });
    const e = r.energy!;
    for (let t = 1; t < e.length; t++) expect(e[t]!).toBeLessThanOrEqual(e[t - 1]! + 1e-4);
    const e0 = tf.tidy(() => tf.mean(varianceCodeEnergy(m, B, bias, tf.zeros([6, 4]), lambda)).dataSync()[0]!);
    expect(e[e.length - 1]!).toBeLessThan(e0);
    // gradient of the smooth part: (1 - m e^{-s}) B; optimal iff g = -lambda sign(c) where c != 0, |g| <= lambda elsewhere
    const g = tf.tidy(() => tf.matMul(tf.sub(1, tf.mul(m, tf.exp(tf.neg(tf.matMul(r.codes, B, false, true))))), B).dataSync());
    const c = r.codes.dataSync();
    for (let i = 0; i < c.length; i++) {
      if (c[i] !== 0) expect(g[i]! + lambda * Math.sign(c[i]!)).toBeCloseTo(0, 2);
      else expect(Math.abs(g[i]!)).toBeLessThanOrEqual(lambda + 1e-2);
    }
    tf.dispose([B, bias, m, r.codes]);
  });

  it("recovers the scale pattern a unit switches on", () => {
    // One unit raises atoms 0-2: magnitudes e^{2} there and 1 elsewhere; c should load on it.
    const B = tf.tensor2d([[1], [1], [1], [0], [0], [0]]).div(Math.sqrt(3)) as tf.Tensor2D;
    const bias = tf.zeros([6]) as tf.Tensor1D;
    const m = tf.tensor2d([[Math.E ** 2, Math.E ** 2, Math.E ** 2, 1, 1, 1]]);
    const { codes } = inferVarianceCodes(m, B, bias, { lambda: 0, iterations: 300 });
    expect(codes.dataSync()[0]).toBeCloseTo(2 * Math.sqrt(3), 1);
    tf.dispose([B, bias, m, codes]);
  });

  it("checks its arguments", () => {
    const m = tf.ones([2, 3]) as tf.Tensor2D;
    const B = tf.ones([4, 2]) as tf.Tensor2D;
    expect(() => inferVarianceCodes(m, B, tf.zeros([3]) as tf.Tensor1D, { lambda: 0.1 })).toThrow(/argument 'basis' must have 3 rows/);
    expect(() => inferVarianceCodes(m, tf.ones([3, 2]) as tf.Tensor2D, tf.zeros([3]) as tf.Tensor1D, { lambda: -1 })).toThrow(/lambda/);
    tf.dispose([m, B]);
  });
});
