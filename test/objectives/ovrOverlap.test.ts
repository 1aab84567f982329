import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { ovrOverlap } from "../../src/objectives/ovrOverlap.js";
import { checkGradient } from "../../src/verify/gradientCheck.js";

/** The O(B^2 K) definition, in float64. */
function pairwise(rows: number[][], normalize = false): number {
  const r = normalize ? rows.map((x) => x.map((v) => v / Math.hypot(...x))) : rows;
  let s = 0;
  for (let i = 0; i < r.length; i++)
    for (let j = 0; j < r.length; j++) if (i !== j) s += r[i].reduce((a, v, k) => a + v * r[j][k], 0);
  return s;
}

function value(t: tf.Scalar): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

describe("ovrOverlap", () => {
  it("is 0 for one-hot rows on distinct units", () => {
    const h = tf.tensor2d([
      [1, 0, 0, 0],
      [0, 0, 2, 0],
      [0, 3, 0, 0],
    ]);
    expect(value(ovrOverlap(h))).toBe(0);
    h.dispose();
  });

  it("matches a hand-computed case, for sum and mean", () => {
    const rows = [
      [1, 2],
      [3, 0],
      [0, 1],
    ];
    // <h1,h2> = 3, <h1,h3> = 2, <h2,h3> = 0, each ordered pair counted twice.
    const sum = 2 * (3 + 2 + 0);
    const h = tf.tensor2d(rows);
    expect(value(ovrOverlap(h))).toBeCloseTo(sum, 5);
    expect(value(ovrOverlap(h, { reduction: "sum" }))).toBeCloseTo(sum, 5);
    expect(value(ovrOverlap(h, { reduction: "mean" }))).toBeCloseTo(sum / (3 * 2), 5);
    h.dispose();
  });

  it("O(BK) form equals the pairwise definition (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 7 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.boolean(),
        (batch, units, seed, normalize) => {
          const rng = seedrandom(String(seed));
          const rows = Array.from({ length: batch }, () => Array.from({ length: units }, () => (rng() < 0.3 ? 0 : 0.1 + 2 * rng())));
          if (normalize) rows.forEach((r) => (r[0] = r[0] || 0.5)); // no all-zero rows for the float64 reference
          const h = tf.tensor2d(rows);
          const got = value(ovrOverlap(h, { normalize }));
          const mean = value(ovrOverlap(h, { normalize, reduction: "mean" }));
          h.dispose();
          const want = pairwise(rows, normalize);
          expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want)));
          expect(Math.abs(mean - want / (batch * (batch - 1)))).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("normalize gives the cosine overlap, invariant to row scale", () => {
    const h = tf.tensor2d([
      [1, 0],
      [1, 1],
    ]);
    const scaled = tf.tensor2d([
      [5, 0],
      [0.1, 0.1],
    ]);
    expect(value(ovrOverlap(h, { normalize: true }))).toBeCloseTo(2 / Math.SQRT2, 5);
    expect(value(ovrOverlap(scaled, { normalize: true }))).toBeCloseTo(2 / Math.SQRT2, 5);
    expect(value(ovrOverlap(h, { normalize: true, reduction: "mean" }))).toBeCloseTo(1 / Math.SQRT2, 5);
    tf.dispose([h, scaled]);
  });

  it("keeps an all-zero row finite when normalizing (value and gradient)", () => {
    const h = tf.tensor2d([
      [0, 0, 0],
      [1, 2, 0],
      [0, 1, 1],
    ]);
    const v = value(ovrOverlap(h, { normalize: true }));
    expect(v).toBeCloseTo(pairwise([[1, 2, 0], [0, 1, 1]], true), 5);
    const g = tf.grad((x: tf.Tensor) => ovrOverlap(x, { normalize: true }))(h);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([h, g]);
  });

  it("has gradient 2 (S_k - h_ik) and matches finite differences (all option combinations)", () => {
    const rng = seedrandom("ovr-fd");
    const vals = Array.from({ length: 15 }, () => 0.1 + rng());
    const h = tf.tensor2d(vals, [5, 3]);
    const g = tf.grad((x: tf.Tensor) => ovrOverlap(x))(h);
    const got = g.arraySync() as number[][];
    for (let k = 0; k < 3; k++) {
      const s = [0, 1, 2, 3, 4].reduce((a, b) => a + vals[b * 3 + k], 0);
      for (let b = 0; b < 5; b++) expect(got[b][k]).toBeCloseTo(2 * (s - vals[b * 3 + k]), 4);
    }
    g.dispose();
    for (const reduction of ["sum", "mean"] as const) {
      for (const normalize of [false, true]) {
        const r = checkGradient((x) => ovrOverlap(x, { reduction, normalize }), h, { eps: 1e-2 });
        expect(r.relativeError).toBeLessThan(1e-3);
      }
    }
    h.dispose();
  });

  it("rejects bad input with a message naming the argument and the expectation", () => {
    const ok = tf.ones([3, 2]);
    expect(() => ovrOverlap(tf.ones([3]))).toThrow(/ovrOverlap: argument 'h' must be a rank 2 tensor/);
    expect(() => ovrOverlap(tf.ones([0, 2]))).toThrow(/argument 'h' must be a non-empty batch/);
    expect(() => ovrOverlap(tf.ones([1, 4]))).toThrow(
      /argument 'h' must be a batch of at least 2 samples \(the overlap is taken between different samples of the batch\), got batch size 1/,
    );
    expect(() => ovrOverlap(tf.tensor2d([[1, NaN], [1, 1]]))).toThrow(/argument 'h' must be finite everywhere, got 1 NaN/);
    expect(() => ovrOverlap(tf.tensor2d([[1, Infinity], [1, 1]]))).toThrow(/1 infinite/);
    expect(() => ovrOverlap(tf.tensor2d([[1, -0.5], [1, 1]]))).toThrow(/argument 'h' must be non-negative.*got a minimum of -0.5/);
    expect(() => ovrOverlap(ok, { reduction: "max" } as never)).toThrow(/option 'reduction' must be one of "sum", "mean", got "max"/);
    expect(() => ovrOverlap(ok, { normalize: "yes" } as never)).toThrow(/option 'normalize' must be true or false/);
    expect(() => ovrOverlap(ok, { eps: 0 })).toThrow(/option 'eps' must be a finite number, > 0, got 0/);
    expect(() => ovrOverlap(ok, { lambda: 1e-4 } as never)).toThrow(/unknown option 'lambda'; known options: reduction, normalize, eps/);
    ok.dispose();
  });

  it("leaks no tensors, value or gradient", () => {
    const h = tf.tensor2d([
      [1, 2],
      [0, 1],
    ]);
    const before = tf.memory().numTensors;
    ovrOverlap(h, { normalize: true }).dispose();
    tf.grad((x: tf.Tensor) => ovrOverlap(x, { normalize: true, reduction: "mean" }))(h).dispose();
    expect(tf.memory().numTensors).toBe(before);
    h.dispose();
  });
});
