import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { covarianceEigen, sampleCovariance } from "../../src/data/covarianceEigen.js";
import { createRng } from "../../src/random/index.js";

describe("sampleCovariance", () => {
  it("equals the naive two-pass formula for n not a multiple of the block size", () => {
    const r = createRng(5, "test");
    const n = 13;
    const d = 5;
    const x = Float64Array.from({ length: n * d }, () => 100 + r.normal());
    const { mean, cov } = sampleCovariance(x, n, d);
    for (let a = 0; a < d; a++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += x[i * d + a];
      expect(mean[a]).toBeCloseTo(m / n, 10);
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        let c = 0;
        for (let i = 0; i < n; i++) c += (x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b]);
        expect(cov[a * d + b]).toBeCloseTo(c / (n - 1), 10);
      }
    }
  });
});

describe("covarianceEigen", () => {
  it("matches the sample covariance (n - 1) and its eigenvalues", () => {
    // x = [[1, 2], [3, 6], [5, 4], [7, 8]]: mean (4, 5); centred cov = [[20, 16], [16, 20]] / 3.
    const x = tf.tensor2d([[1, 2], [3, 6], [5, 4], [7, 8]]);
    const e = covarianceEigen(x, "t");
    expect(Array.from(e.mean)).toEqual([4, 5]);
    expect(e.values[0]).toBeCloseTo(36 / 3, 4);
    expect(e.values[1]).toBeCloseTo(4 / 3, 4);
    expect(e.vectors[0]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(e.vectors[2]).toBeCloseTo(Math.SQRT1_2, 5);
    expect([e.n, e.d]).toEqual([4, 2]);
    x.dispose();
  });

  it("clamps rounding-negative eigenvalues of singular data to 0 and leaks no tensors", () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([[1, 1, 1], [2, 2, 2], [3, 3, 3.0000001]]);
    const e = covarianceEigen(x, "t");
    for (const v of e.values) expect(v).toBeGreaterThanOrEqual(0);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("needs two samples", () => {
    expect(() => covarianceEigen(tf.ones([1, 3]) as tf.Tensor2D, "Pca.fit")).toThrow(/Pca.fit: argument 'x' must be a batch of at least 2 samples/);
  });
});
