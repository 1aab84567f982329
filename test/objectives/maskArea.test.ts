import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { maskArea } from "../../src/objectives/maskArea.js";
import { checkGradient } from "../../src/verify/gradientCheck.js";

function value(t: tf.Scalar): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

describe("maskArea", () => {
  it("is 1 for all-ones, 0 for all-zeros and the kept fraction otherwise", () => {
    const ones = tf.ones([2, 4, 4, 1]);
    const zeros = tf.zeros([2, 4, 4]);
    // left half of each 4 x 4 mask kept, in one sample of two; the other keeps a quarter.
    const half = tf.tensor3d([
      [[1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0]],
      [[1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]],
    ]);
    expect(value(maskArea(ones))).toBe(1);
    expect(value(maskArea(zeros))).toBe(0);
    expect(value(maskArea(half))).toBeCloseTo((8 + 4) / 32, 6);
    tf.dispose([ones, zeros, half]);
  });

  it("has gradient 1/(B H W) and matches finite differences", () => {
    const rng = seedrandom("area");
    const m = tf.tensor4d(Array.from({ length: 24 }, () => 0.1 + 0.8 * rng()), [2, 3, 4, 1]);
    const r = checkGradient((x) => maskArea(x), m, { eps: 1e-2 });
    expect(r.relativeError).toBeLessThan(1e-3);
    Array.from(r.analytic).forEach((g) => expect(g).toBeCloseTo(1 / 24, 7));
    m.dispose();
  });

  it("rejects bad input and unknown options", () => {
    expect(() => maskArea(tf.ones([4, 4]))).toThrow(/maskArea: argument 'mask' must be a rank 3 or 4 tensor/);
    expect(() => maskArea(tf.ones([0, 4, 4]))).toThrow(/argument 'mask' must be a non-empty batch/);
    expect(() => maskArea(tf.tensor3d([[[NaN]]]))).toThrow(/must be finite everywhere/);
    expect(() => maskArea(tf.tensor3d([[[2]]]))).toThrow(/must be within \[0, 1\]/);
    expect(() => maskArea(tf.ones([1, 2, 2]), { target: 0.1 } as never)).toThrow(/maskArea: unknown option 'target'/);
  });

  it("leaks no tensors, value or gradient", () => {
    const m = tf.fill([1, 2, 2, 1], 0.5);
    const before = tf.memory().numTensors;
    maskArea(m).dispose();
    tf.grad((x: tf.Tensor) => maskArea(x))(m).dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
