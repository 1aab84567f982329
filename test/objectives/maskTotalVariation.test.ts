import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { maskTotalVariation } from "../../src/objectives/maskTotalVariation.js";
import { checkGradient } from "../../src/verify/gradientCheck.js";

function value(t: tf.Scalar): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

/** Reference: anisotropic TV of one H x W mask in float64, divided by H W. */
function tvRef(m: number[][]): number {
  let s = 0;
  for (let y = 0; y < m.length; y++)
    for (let x = 0; x < m[0].length; x++) {
      if (y + 1 < m.length) s += Math.abs(m[y + 1][x] - m[y][x]);
      if (x + 1 < m[0].length) s += Math.abs(m[y][x + 1] - m[y][x]);
    }
  return s / (m.length * m[0].length);
}

const checkerboard = (h: number, w: number) => Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => (x + y) % 2));

describe("maskTotalVariation", () => {
  it("is 0 for constant masks", () => {
    const ones = tf.ones([2, 4, 5, 1]);
    const zeros = tf.zeros([2, 4, 5]);
    expect(value(maskTotalVariation(ones))).toBe(0);
    expect(value(maskTotalVariation(zeros))).toBe(0);
    tf.dispose([ones, zeros]);
  });

  it("gives ((H-1)W + H(W-1)) / (HW) for a checkerboard", () => {
    const [h, w] = [4, 6];
    const m = tf.tensor3d([checkerboard(h, w)]);
    expect(value(maskTotalVariation(m))).toBeCloseTo(((h - 1) * w + h * (w - 1)) / (h * w), 6);
    m.dispose();
  });

  it("gives 1/W for one vertical edge and averages over the batch", () => {
    const edge = Array.from({ length: 3 }, () => [0, 0, 1, 1]); // H = 3, W = 4
    const m = tf.tensor3d([edge, checkerboard(3, 4)]);
    expect(value(maskTotalVariation(m))).toBeCloseTo((tvRef(edge) + tvRef(checkerboard(3, 4))) / 2, 6);
    expect(tvRef(edge)).toBeCloseTo(1 / 4, 12);
    m.dispose();
  });

  it("handles single-row and single-column masks", () => {
    const row = [[0, 1, 0.5]];
    const col = [[0.2], [0.9]];
    const r = tf.tensor3d([row]);
    const c = tf.tensor3d([col]);
    expect(value(maskTotalVariation(r))).toBeCloseTo(tvRef(row), 6);
    expect(value(maskTotalVariation(c))).toBeCloseTo(tvRef(col), 6);
    tf.dispose([r, c]);
  });

  it("matches finite differences where no two neighbours are equal", () => {
    // 0.1 + 0.05 ((7y + 3x + 5b) mod 16): neighbours differ by at least 0.15.
    const vals: number[] = [];
    for (let b = 0; b < 2; b++)
      for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) vals.push(0.1 + 0.05 * ((7 * y + 3 * x + 5 * b) % 16));
    const m = tf.tensor4d(vals, [2, 3, 4, 1]);
    const r = checkGradient((x) => maskTotalVariation(x), m, { eps: 1e-2 });
    expect(r.relativeError).toBeLessThan(1e-3);
    m.dispose();
  });

  it("has zero gradient on a constant mask (sign(0) = 0)", () => {
    const m = tf.fill([1, 3, 3], 0.4);
    const g = tf.grad((x: tf.Tensor) => maskTotalVariation(x))(m);
    expect(Array.from(g.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([m, g]);
  });

  it("rejects bad input and unknown options", () => {
    expect(() => maskTotalVariation(tf.ones([4]))).toThrow(/maskTotalVariation: argument 'mask' must be a rank 3 or 4 tensor/);
    expect(() => maskTotalVariation(tf.ones([0, 2, 2]))).toThrow(/non-empty batch/);
    expect(() => maskTotalVariation(tf.tensor3d([[[Infinity]]]))).toThrow(/1 infinite/);
    expect(() => maskTotalVariation(tf.tensor3d([[[1.5]]]))).toThrow(/must be within \[0, 1\]/);
    expect(() => maskTotalVariation(tf.ones([1, 2, 2]), { isotropic: true } as never)).toThrow(/maskTotalVariation: unknown option 'isotropic'/);
  });

  it("leaks no tensors, value or gradient", () => {
    const m = tf.tensor3d([checkerboard(3, 3)]);
    const before = tf.memory().numTensors;
    maskTotalVariation(m).dispose();
    tf.grad((x: tf.Tensor) => maskTotalVariation(x))(m).dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
