import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { topK } from "../../src/objectives/topK.js";
import { checkGradient } from "../../src/verify/gradientCheck.js";

function rows(t: tf.Tensor): number[][] {
  return t.arraySync() as number[][];
}

describe("topK", () => {
  it("keeps the k largest entries of each row and zeroes the rest", () => {
    const h = tf.tensor2d([
      [0.5, -1, 3, 2, 0.1],
      [-4, -3, -2, -1, -5],
    ]);
    const out = topK(h, 2);
    expect(out.shape).toEqual([2, 5]);
    expect(rows(out)).toEqual([
      [0, 0, 3, 2, 0],
      [0, 0, -2, -1, 0],
    ]);
    tf.dispose([h, out]);
  });

  it("keeps exactly k entries per row, the largest ones, even with ties (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1e6 }),
        (batch, units, seed) => {
          const rng = seedrandom(String(seed));
          // Few distinct nonzero values, so ties are common.
          const vals = Array.from({ length: batch * units }, () => 1 + Math.floor(rng() * 3));
          const k = 1 + Math.floor(rng() * units);
          const h = tf.tensor2d(vals, [batch, units]);
          const out = topK(h, k);
          const got = rows(out);
          tf.dispose([h, out]);
          for (let b = 0; b < batch; b++) {
            const row = vals.slice(b * units, (b + 1) * units);
            const kept = got[b].map((v, i) => (v !== 0 ? i : -1)).filter((i) => i >= 0);
            expect(kept.length).toBe(k);
            for (const i of kept) expect(got[b][i]).toBe(row[i]);
            const dropped = row.filter((_, i) => !kept.includes(i));
            const minKept = Math.min(...kept.map((i) => row[i]));
            for (const d of dropped) expect(d).toBeLessThanOrEqual(minKept);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("passes the gradient only through the kept entries", () => {
    const h = tf.tensor2d([
      [0.5, -1, 3, 2],
      [4, 1, -2, 0.3],
    ]);
    const w = tf.tensor2d([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(topK(x, 2), w)))(h);
    expect(rows(g)).toEqual([
      [0, 0, 3, 4],
      [5, 6, 0, 0],
    ]);
    tf.dispose([h, w, g]);
  });

  it("matches central finite differences on well-separated values", () => {
    const h = tf.tensor2d([
      [0.5, -1, 3, 2, 1.2],
      [4, 1, -2, 0.3, 2.5],
      [-0.7, 0.9, 0.1, 1.6, -1.4],
    ]);
    const w = tf.tensor2d([0.3, -1.1, 0.8, 1.7, -0.4], [1, 5]);
    const r = checkGradient((x) => tf.sum(tf.mul(tf.square(topK(x, 3)), w)), h, { eps: 1e-2 });
    expect(r.relativeError).toBeLessThan(1e-3);
    tf.dispose([h, w]);
  });

  it("rejects k that is not a positive integer <= K", () => {
    const h = tf.ones([2, 4]);
    for (const k of [-1, 0, 1.5, 5, NaN]) {
      expect(() => topK(h, k)).toThrow(/topK: argument 'k' must be an integer in \[1, 4\]/);
    }
    expect(() => topK(h, -1)).toThrow(/got -1/);
    expect(() => topK(h, "2" as never)).toThrow(/argument 'k' must be an integer.*got string/);
    h.dispose();
  });

  it("rejects bad h", () => {
    expect(() => topK(tf.ones([4]), 1)).toThrow(/topK: argument 'h' must be a rank 2 tensor/);
    expect(() => topK(tf.ones([0, 4]), 1)).toThrow(/argument 'h' must be a non-empty batch/);
    expect(() => topK(tf.tensor2d([[1, NaN]]), 1)).toThrow(/argument 'h' must be finite everywhere, got 1 NaN/);
    expect(() => topK(tf.tensor2d([[1, -Infinity]]), 1)).toThrow(/1 infinite/);
  });

  it("leaks no tensors, value or gradient", () => {
    const h = tf.tensor2d([[1, -2, 3, 0.5]]);
    const before = tf.memory().numTensors;
    topK(h, 2).dispose();
    tf.grad((x: tf.Tensor) => tf.sum(topK(x, 2)))(h).dispose();
    expect(tf.memory().numTensors).toBe(before);
    h.dispose();
  });
});
