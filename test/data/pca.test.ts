import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { Pca } from "../../src/data/pca.js";
import { createRng } from "../../src/random/index.js";

// Known principal axes: u1 = (1, 1, 0)/sqrt2 with std 5, u2 = (0, 0, 1) with std 2, u3 = (1, -1, 0)/sqrt2 with std 0.5.
const s = Math.SQRT1_2;
const axes = [[s, s, 0], [0, 0, 1], [s, -s, 0]];
const stds = [5, 2, 0.5];
const n = 4000;
const r = createRng(11, "test");
const rows = Array.from({ length: n }, () => {
  const c = stds.map((sd) => sd * r.normal());
  return [0, 1, 2].map((i) => 3 + c[0] * axes[0][i] + c[1] * axes[1][i] + c[2] * axes[2][i]);
});
const x = tf.tensor2d(rows);
afterAll(() => x.dispose());

describe("Pca", () => {
  it("recovers known principal axes and variances", () => {
    const pca = new Pca().fit(x);
    const comps = pca.components().arraySync();
    for (let j = 0; j < 3; j++) {
      const dot = comps[j].reduce((acc, v, i) => acc + v * axes[j][i], 0);
      expect(Math.abs(dot)).toBeGreaterThan(0.999);
      expect(pca.explainedVariance![j]).toBeGreaterThan(0.9 * stds[j] ** 2);
      expect(pca.explainedVariance![j]).toBeLessThan(1.1 * stds[j] ** 2);
    }
    // Deterministic sign: each component's largest-magnitude entry is positive.
    for (const c of comps) expect(c.reduce((a, v) => (Math.abs(v) > Math.abs(a) ? v : a), 0)).toBeGreaterThan(0);
    const ratio = Array.from(pca.explainedVarianceRatio!);
    expect(ratio.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 6);
    expect(ratio[0]).toBeCloseTo(25 / 29.25, 1);
    const mean = pca.mean().arraySync();
    for (const m of mean) expect(m).toBeCloseTo(3, 0);
    pca.dispose();
  });

  it("projects onto k components; inverseTransform gives the projection", () => {
    const pca = new Pca({ nComponents: 2 }).fit(x);
    const z = pca.transform(x);
    expect(z.shape).toEqual([n, 2]);
    const back = pca.inverseTransform(z);
    expect(back.shape).toEqual([n, 3]);
    // The residual x - back is orthogonal to the kept components, and its variance is that of
    // the dropped axis u3.
    const [along12, resVar] = tf.tidy(() => {
      const res = tf.sub(x, back);
      const a = tf.matMul(res, pca.components(), false, true);
      return [tf.max(tf.abs(a)).dataSync()[0], tf.moments(tf.matMul(res, tf.tensor2d([axes[2]]), false, true)).variance.dataSync()[0]];
    });
    expect(along12).toBeLessThan(1e-3);
    expect(resVar).toBeCloseTo(0.25, 1);
    // Projected coordinates have the component variances and are uncorrelated.
    const m = tf.tidy(() => tf.moments(z, 0).variance.arraySync() as number[]);
    expect(m[0] / 25).toBeCloseTo(1, 0);
    expect(m[1] / 4).toBeCloseTo(1, 0);
    tf.dispose([z, back]);
    pca.dispose();
  });

  it("whitens to unit variance and round-trips", () => {
    const pca = new Pca({ whiten: true }).fit(x);
    const z = pca.transform(x);
    const variances = tf.tidy(() => tf.moments(z, 0).variance.arraySync() as number[]);
    for (const v of variances) expect(v).toBeCloseTo(1, 2);
    const back = pca.inverseTransform(z);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(back, x))).dataSync()[0])).toBeLessThan(1e-3);
    tf.dispose([z, back]);
    pca.dispose();
  });

  it("validates options and inputs", () => {
    expect(() => new Pca({ nComponents: 4 }).fit(x)).toThrow(/Pca.fit: option 'nComponents' must be at most the data dimension 3, got 4/);
    expect(() => new Pca({ nComponents: 0 })).toThrow(/option 'nComponents'/);
    expect(() => new Pca().transform(x)).toThrow(/not fitted/);
    const flat = tf.tensor2d([[1, 2, 0], [2, 4, 0], [3, 6, 0]]);
    expect(() => new Pca({ whiten: true }).fit(flat)).toThrow(/component 1 has variance .* keep fewer components \(nComponents <= 1\) or pass epsilon > 0/);
    const ok = new Pca({ nComponents: 1, whiten: true }).fit(flat);
    expect(() => ok.inverseTransform(x)).toThrow(/Pca.inverseTransform: argument 'z' must have 1 columns/);
    ok.dispose();
    flat.dispose();
  });
});
