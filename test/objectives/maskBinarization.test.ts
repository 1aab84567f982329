import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { maskBinarization } from "../../src/objectives/maskBinarization.js";
import { checkGradient } from "../../src/verify/gradientCheck.js";

function value(t: tf.Scalar): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

describe("maskBinarization", () => {
  it("is 0 for binary masks, 1/4 at one half, mean M(1-M) otherwise", () => {
    const ones = tf.ones([2, 3, 3]);
    const zeros = tf.zeros([2, 3, 3, 1]);
    const binary = tf.tensor3d([[[0, 1], [1, 0]]]);
    const halves = tf.fill([1, 2, 2], 0.5);
    const vals = [0.1, 0.3, 0.8, 1];
    const mixed = tf.tensor3d(vals, [1, 2, 2]);
    expect(value(maskBinarization(ones))).toBe(0);
    expect(value(maskBinarization(zeros))).toBe(0);
    expect(value(maskBinarization(binary))).toBe(0);
    expect(value(maskBinarization(halves))).toBeCloseTo(0.25, 7);
    expect(value(maskBinarization(mixed))).toBeCloseTo(vals.reduce((a, v) => a + v * (1 - v), 0) / 4, 6);
    tf.dispose([ones, zeros, binary, halves, mixed]);
  });

  it("has gradient (1 - 2M)/(B H W) and matches finite differences", () => {
    const rng = seedrandom("bin");
    const vals = Array.from({ length: 18 }, () => 0.05 + 0.9 * rng());
    const m = tf.tensor3d(vals, [2, 3, 3]);
    const r = checkGradient((x) => maskBinarization(x), m, { eps: 1e-2 });
    expect(r.relativeError).toBeLessThan(1e-3);
    Array.from(r.analytic).forEach((g, i) => expect(g).toBeCloseTo((1 - 2 * vals[i]) / 18, 6));
    m.dispose();
  });

  it("rejects bad input and unknown options", () => {
    expect(() => maskBinarization(tf.ones([2, 2, 2, 2]))).toThrow(/maskBinarization: argument 'mask' must have a single channel/);
    expect(() => maskBinarization(tf.tensor3d([[[-0.1]]]))).toThrow(/argument 'mask' must be within \[0, 1\]/);
    expect(() => maskBinarization(tf.ones([1, 2, 2]), { weight: 1 } as never)).toThrow(/maskBinarization: unknown option 'weight'/);
  });

  it("leaks no tensors, value or gradient", () => {
    const m = tf.fill([1, 2, 2], 0.3);
    const before = tf.memory().numTensors;
    maskBinarization(m).dispose();
    tf.grad((x: tf.Tensor) => maskBinarization(x))(m).dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
