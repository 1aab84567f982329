import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { normalizeColumns } from "../../src/coding/dictionaryUpdate.js";
import { fista, lipschitzConstant } from "../../src/coding/fista.js";
import { lcaInference } from "../../src/coding/lcaInference.js";
import { sparseCodingEnergy } from "../../src/coding/sparseCodingEnergy.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("fista", () => {
  it("lipschitzConstant is the largest eigenvalue of Phi^T Phi (with 1% headroom)", () => {
    const phi = tf.tensor2d([[2, 0], [0, 1]]);
    expect(lipschitzConstant(phi)).toBeCloseTo(4 * 1.01, 3);
  });

  it("satisfies the lasso optimality conditions", () => {
    const phi = normalizeColumns(tf.randomNormal([20, 30], 0, 1, "float32", 3));
    const x = tf.randomNormal([4, 20], 0, 1, "float32", 4) as tf.Tensor2D;
    const lambda = 0.4;
    const { codes } = fista(x, phi, { lambda, iterations: 3000, tolerance: 0 });
    // gradient of the smooth part: g = (a Phi^T - x) Phi; optimal iff g = -lambda sign(a) where a != 0, |g| <= lambda where a = 0
    const g = tf.matMul(tf.sub(tf.matMul(codes, phi, false, true), x), phi).dataSync();
    const a = codes.dataSync();
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== 0) expect(g[i]! + lambda * Math.sign(a[i]!)).toBeCloseTo(0, 3);
      else expect(Math.abs(g[i]!)).toBeLessThanOrEqual(lambda + 1e-3);
    }
  });

  it("LCA reaches the FISTA objective within 1% on a random 64 x 128 dictionary", () => {
    const phi = normalizeColumns(tf.randomNormal([64, 128], 0, 1, "float32", 5));
    const x = tf.randomNormal([32, 64], 0, 1, "float32", 6) as tf.Tensor2D;
    const lambda = 0.5;
    const ref = fista(x, phi, { lambda, iterations: 2000 });
    const lca = lcaInference(x, phi, { lambda, iterations: 300 });
    const eF = sparseCodingEnergy(x, phi, ref.codes, lambda).dataSync()[0]!;
    const eL = sparseCodingEnergy(x, phi, lca.codes, lambda).dataSync()[0]!;
    expect(eL).toBeGreaterThanOrEqual(eF * (1 - 1e-4));
    expect((eL - eF) / eF).toBeLessThan(0.01);
  });

  it("records a decreasing energy, stops early at its tolerance, and rejects bad options", () => {
    const phi = normalizeColumns(tf.randomNormal([16, 24], 0, 1, "float32", 7));
    const x = tf.randomNormal([8, 16], 0, 1, "float32", 8) as tf.Tensor2D;
    const r = fista(x, phi, { lambda: 0.3, iterations: 5000, tolerance: 1e-5, recordEnergy: true });
    expect(r.iterations).toBeLessThan(5000);
    expect(r.energy![r.energy!.length - 1]).toBeLessThan(r.energy![0]!);
    expect(() => fista(x, phi, { lambda: 0.3, tolerance: -1 })).toThrow(/option 'tolerance'/);
    expect(() => fista(x, tf.zeros([16, 4]) as tf.Tensor2D, { lambda: 0.3 })).toThrow(/'phi' must not be all zeros/);
    expect(() => fista(x, phi, { lambda: 0.3, steps: 3 } as never)).toThrow(/unknown option 'steps'/);
  });
});
