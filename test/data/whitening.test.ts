import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { createRng } from "../../src/random/index.js";
import { Whitening } from "../../src/data/whitening.js";

/** n samples of d correlated features: x = z A + offset, A random with scales 0.1 .. 3. */
function correlated(n: number, d: number, seed: number): tf.Tensor2D {
  const r = createRng(seed, "test");
  const a = Array.from({ length: d }, (_, i) => Array.from({ length: d }, () => r.normal() * (0.1 + (2.9 * i) / (d - 1))));
  const z = Array.from({ length: n }, () => Array.from({ length: d }, () => r.normal()));
  return tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(z), tf.tensor2d(a)), 2) as tf.Tensor2D);
}

function covariance(z: tf.Tensor2D): number[][] {
  return tf.tidy(() => {
    const c = tf.sub(z, tf.mean(z, 0));
    return tf.div(tf.matMul(c, c, true), z.shape[0] - 1).arraySync() as number[][];
  });
}

const x = correlated(3000, 6, 1);
afterAll(() => x.dispose());

describe("Whitening", () => {
  for (const method of ["zca", "pca"] as const) {
    it(`${method}: whitened covariance ~ identity and inverseTransform undoes transform`, () => {
      const w = new Whitening({ method, epsilon: 1e-6 }).fit(x);
      // Eigenvalues are >= ~1e-2 here, so lambda / (lambda + eps) is within 1e-4 of 1.
      expect(w.eigenvalues![5]).toBeGreaterThan(1e-3);
      const z = w.transform(x);
      const c = covariance(z);
      for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(c[i][j]).toBeCloseTo(i === j ? 1 : 0, 2);
      const back = w.inverseTransform(z);
      const err = tf.tidy(() => tf.max(tf.abs(tf.sub(back, x))).dataSync()[0]);
      expect(err).toBeLessThan(1e-3);
      tf.dispose([z, back]);
      w.dispose();
    });
  }

  it("zca: the whitening matrix is symmetric (and pca's is not)", () => {
    const zca = new Whitening({ method: "zca" }).fit(x);
    const pca = new Whitening({ method: "pca" }).fit(x);
    const asym = (w: Whitening) => tf.tidy(() => { const m = w.matrix(); return tf.max(tf.abs(tf.sub(m, tf.transpose(m)))).dataSync()[0]; });
    expect(asym(zca)).toBeLessThan(1e-4);
    expect(asym(pca)).toBeGreaterThan(1e-2);
    zca.dispose();
    pca.dispose();
  });

  it("epsilon damps low-variance directions: covariance = lambda / (lambda + epsilon)", () => {
    const w = new Whitening({ method: "pca", epsilon: 1 }).fit(x);
    const lambda = w.eigenvalues!;
    const z = w.transform(x);
    const c = covariance(z);
    for (let j = 0; j < 6; j++) expect(c[j][j]).toBeCloseTo(lambda[j] / (lambda[j] + 1), 3);
    z.dispose();
    w.dispose();
  });

  it("rejects singular data without epsilon, unfitted use and wrong widths; leaks nothing", () => {
    const before = tf.memory().numTensors;
    const singular = tf.tensor2d([[1, 2, 3], [2, 4, 6], [3, 6, 9.5], [0, 1, 0], [1, 1, 1]]);
    const dup = tf.tidy(() => tf.concat([singular, singular.slice([0, 0], [-1, 1])], 1) as tf.Tensor2D); // a repeated column
    expect(() => new Whitening({ epsilon: 0 }).fit(dup)).toThrow(/Whitening.fit: the covariance of 'x' is singular.*pass epsilon > 0/);
    expect(() => new Whitening().transform(x)).toThrow(/Whitening.transform: the whitening is not fitted; call fit\(x\) first/);
    const w = new Whitening().fit(x);
    expect(() => w.transform(singular)).toThrow(/must have 6 columns \(the fitted dimension\), got shape \[5, 3\]/);
    expect(() => new Whitening({ method: "pcaa" as "pca" })).toThrow(/option 'method' must be one of "pca", "zca"/);
    w.dispose();
    tf.dispose([singular, dup]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
