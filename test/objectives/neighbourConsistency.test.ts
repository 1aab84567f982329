import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { neighbourConsistency } from "../../src/objectives/neighbourConsistency.js";
import { checkGradient } from "../../src/verify/gradientCheck.js";

function value(t: tf.Scalar): number {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}

/** -mean_l ln sum_i Q_li Q'_li written out with plain softmax, for moderate logits. */
function plain(h: number[][], hn: number[][], beta: number): number {
  const softmax = (r: number[]) => {
    const e = r.map((v) => Math.exp(-beta * v));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  let total = 0;
  h.forEach((row, l) => {
    const q = softmax(row);
    const qn = softmax(hn[l]!);
    total -= Math.log(q.reduce((a, v, i) => a + v * qn[i]!, 0));
  });
  return total / h.length;
}

describe("neighbourConsistency", () => {
  it("equals the plain formula", () => {
    const h = [[0.3, -1.2, 2.0], [1.0, 0.5, -0.4]];
    const hn = [[1.1, 0.2, -0.7], [0.0, 0.9, 0.3]];
    for (const beta of [-1, 2.5]) {
      expect(value(neighbourConsistency(tf.tensor2d(h), tf.tensor2d(hn), { beta }))).toBeCloseTo(plain(h, hn, beta), 5);
    }
  });
  it("is ln K for uniform rows, ~0 for the same confident cluster, large and finite for confident disagreement", () => {
    expect(value(neighbourConsistency(tf.zeros([4, 10]), tf.zeros([4, 10]), { beta: -1 }))).toBeCloseTo(Math.log(10), 5);
    const a = tf.tensor2d([[60, 0, 0]]);
    const b = tf.tensor2d([[0, 60, 0]]);
    expect(value(neighbourConsistency(a, a, { beta: -1 }))).toBeCloseTo(0, 5);
    const far = value(neighbourConsistency(a, b, { beta: -1 }));
    expect(far).toBeGreaterThan(55);
    expect(Number.isFinite(far)).toBe(true);
    const huge = value(neighbourConsistency(tf.tensor2d([[1e4, 0]]), tf.tensor2d([[0, 1e4]]), { beta: -1 }));
    expect(huge).toBeCloseTo(1e4, -1);
    tf.dispose([a, b]);
  });
  it("is >= 0 and symmetric in its two arguments (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: 12, maxLength: 12 }), fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: 12, maxLength: 12 }), (x, y) => {
        const a = tf.tensor2d(x, [3, 4]);
        const b = tf.tensor2d(y, [3, 4]);
        const ab = value(neighbourConsistency(a, b, { beta: -1 }));
        const ba = value(neighbourConsistency(b, a, { beta: -1 }));
        tf.dispose([a, b]);
        expect(ab).toBeGreaterThanOrEqual(-1e-6);
        expect(ab).toBeCloseTo(ba, 5);
      }),
      { numRuns: 40 },
    );
  });
  it("has the gradient of finite differences, in both arguments", () => {
    const h = tf.tensor2d([[0.3, -1.2, 2.0, 0.1], [1.0, 0.5, -0.4, 0.2], [-0.3, 0.8, 0.0, 1.5]]);
    const hn = tf.tensor2d([[1.1, 0.2, -0.7, 0.4], [0.0, 0.9, 0.3, -1.0], [0.6, -0.2, 1.2, 0.3]]);
    for (const beta of [-1, 2]) {
      expect(checkGradient((x) => neighbourConsistency(x, hn, { beta }), h, { eps: 5e-3 }).relativeError).toBeLessThan(1e-3);
      expect(checkGradient((x) => neighbourConsistency(h, x, { beta }), hn, { eps: 5e-3 }).relativeError).toBeLessThan(1e-3);
    }
    tf.dispose([h, hn]);
  });
  it("names the problem: shape mismatch, NaN, beta 0, unknown option", () => {
    const a = tf.zeros([4, 3]);
    const b = tf.zeros([4, 2]);
    expect(() => neighbourConsistency(a, b, { beta: -1 })).toThrow(/same shape .*\[4, 3\] and \[4, 2\]/);
    expect(() => neighbourConsistency(a, tf.fill([4, 3], NaN), { beta: -1 })).toThrow(/hNeighbours/);
    expect(() => neighbourConsistency(a, a, { beta: 0 })).toThrow(/nonzero/);
    expect(() => neighbourConsistency(a, a, { beta: -1, lambda: 2 } as never)).toThrow(/lambda/);
    tf.dispose([a, b]);
  });
  it("leaves no tensors behind", () => {
    const a = tf.randomNormal([8, 5]);
    const before = tf.memory().numTensors;
    value(neighbourConsistency(a, a, { beta: -1 }));
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });
});
