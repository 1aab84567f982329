import { describe, expect, it } from "vitest";
import { createRng } from "../../src/random/index.js";
import { symmetricEigen } from "../../src/data/symmetricEigen.js";

function randomSymmetric(n: number, seed: number): Float64Array {
  const r = createRng(seed, "test");
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = r.normal();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

/** max |A v_j - lambda_j v_j| and max |V^T V - I|. */
function residuals(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array): { res: number; orth: number } {
  let res = 0;
  let orth = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let av = 0;
      let vv = 0;
      for (let k = 0; k < n; k++) {
        av += a[i * n + k] * vectors[k * n + j];
        vv += vectors[k * n + i] * vectors[k * n + j];
      }
      res = Math.max(res, Math.abs(av - values[j] * vectors[i * n + j]));
      orth = Math.max(orth, Math.abs(vv - (i === j ? 1 : 0)));
    }
  }
  return { res, orth };
}

describe("symmetricEigen", () => {
  it("solves a known 2 x 2 case", () => {
    const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(vectors[0]).toBeCloseTo(Math.SQRT1_2, 12); // v1 = (1, 1)/sqrt 2
    expect(vectors[2]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(Math.abs(vectors[1])).toBeCloseTo(Math.SQRT1_2, 12); // v2 = ±(1, -1)/sqrt 2
    expect(vectors[1] * vectors[3]).toBeCloseTo(-0.5, 12);
  });

  it("decomposes random symmetric matrices (with negative eigenvalues): A V = V diag, V orthonormal, sorted, signed", () => {
    for (const n of [1, 3, 10, 40]) {
      const a = randomSymmetric(n, n);
      const { values, vectors } = symmetricEigen(a, n);
      const { res, orth } = residuals(a, n, values, vectors);
      expect(res).toBeLessThan(1e-10);
      expect(orth).toBeLessThan(1e-10);
      for (let j = 1; j < n; j++) expect(values[j]).toBeLessThanOrEqual(values[j - 1]);
      let trace = 0;
      for (let i = 0; i < n; i++) trace += a[i * n + i];
      expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 9);
      for (let j = 0; j < n; j++) {
        let big = 0;
        for (let i = 0; i < n; i++) if (Math.abs(vectors[i * n + j]) > Math.abs(big)) big = vectors[i * n + j];
        expect(big).toBeGreaterThan(0);
      }
    }
  });

  it("handles repeated eigenvalues and diagonal matrices", () => {
    const eye = symmetricEigen([1, 0, 0, 0, 1, 0, 0, 0, 1], 3);
    expect(Array.from(eye.values)).toEqual([1, 1, 1]);
    const d = symmetricEigen([1, 0, 0, 0, 5, 0, 0, 0, -2], 3);
    expect(Array.from(d.values)).toEqual([5, 1, -2]);
    expect(d.vectors[1 * 3 + 0]).toBe(1); // eigenvector of 5 is e2
    const rank1 = new Float64Array(16);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) rank1[i * 4 + j] = (i + 1) * (j + 1);
    const r = symmetricEigen(rank1, 4);
    expect(r.values[0]).toBeCloseTo(30, 10);
    for (let j = 1; j < 4; j++) expect(Math.abs(r.values[j])).toBeLessThan(1e-10);
    expect(residuals(rank1, 4, r.values, r.vectors).orth).toBeLessThan(1e-12);
  });

  it("rejects non-symmetric, non-finite and mis-sized input", () => {
    expect(() => symmetricEigen([1, 2, 3, 4], 2)).toThrow(/symmetricEigen: argument 'a' must be symmetric/);
    expect(() => symmetricEigen([1, NaN, NaN, 4], 2)).toThrow(/finite/);
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/must hold n \* n = 4 values, got 3/);
  });
});
