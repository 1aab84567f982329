import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { normalizeForSigmoid } from "../../src/data/normalizeForSigmoid.js";

describe("normalizeForSigmoid", () => {
  it("maps mean-removed, 3-std-truncated values linearly into [0.1, 0.9]", () => {
    // 200 rows of small variations around 5 plus one outlier row far beyond 3 standard deviations.
    const rows: number[][] = [];
    for (let i = 0; i < 200; i++) rows.push([5 + 0.1 * Math.sin(i), 5, 5 - 0.1 * Math.sin(i)]);
    rows.push([100, 0, -100]);
    const x = tf.tensor2d(rows);
    const y = normalizeForSigmoid(x);
    const out = y.arraySync();
    const flat = out.flat();
    expect(Math.min(...flat)).toBeGreaterThanOrEqual(0.1 - 1e-6);
    expect(Math.max(...flat)).toBeLessThanOrEqual(0.9 + 1e-6);
    // The outlier is clipped to the ends; a zero after mean removal maps to the middle.
    expect(out[200][0]).toBeCloseTo(0.9, 5);
    expect(out[200][2]).toBeCloseTo(0.1, 5);
    expect(out[3][1]).toBeCloseTo(0.5, 5);
    // Reference computation of one unclipped value: s = std of all centred entries.
    const centred = rows.map((r) => r.map((v) => v - (r[0] + r[1] + r[2]) / 3)).flat();
    const s = Math.sqrt(centred.reduce((a, v) => a + v * v, 0) / centred.length);
    const want = 0.1 + 0.8 * (Math.max(-3 * s, Math.min(3 * s, centred[1 * 3 + 0])) / (3 * s) + 1) / 2;
    expect(out[1][0]).toBeCloseTo(want, 5);
    tf.dispose([x, y]);
  });

  it("accepts other ranges and validates", () => {
    const x = tf.tensor2d([[0, 1], [1, 0]]);
    const y = normalizeForSigmoid(x, { low: -1, high: 1, stds: 1 });
    expect(y.arraySync()).toEqual([[-1, 1], [1, -1]]);
    expect(() => normalizeForSigmoid(x, { low: 0.9, high: 0.1 })).toThrow(/option 'high' must be greater than 'low'/);
    expect(() => normalizeForSigmoid(tf.ones([2, 3]) as tf.Tensor2D)).toThrow(/must vary within its patches/);
    tf.dispose([x, y]);
  });
});
