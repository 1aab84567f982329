import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { l1Penalty } from "../../src/objectives/l1Penalty.js";
import { checkGradient } from "../../src/verify/gradientCheck.js";

describe("l1Penalty", () => {
  it("is the mean over samples of the summed absolute values", () => {
    const rows = [
      [1, -2, 3],
      [0, 0.5, -0.5],
    ];
    const expected = rows.reduce((acc, r) => acc + r.reduce((a, v) => a + Math.abs(v), 0), 0) / rows.length;
    const h = tf.tensor2d(rows);
    const v = l1Penalty(h);
    expect(v.shape).toEqual([]);
    expect(v.dataSync()[0]).toBeCloseTo(expected, 6);
    tf.dispose([h, v]);
  });

  it("has gradient sign(h)/B, with 0 at exact zeros", () => {
    const h = tf.tensor2d([
      [0, -2, 3],
      [1, 0, -0.5],
    ]);
    const g = tf.grad((x: tf.Tensor) => l1Penalty(x))(h);
    expect(Array.from(g.dataSync())).toEqual([0, -0.5, 0.5, 0.5, 0, -0.5]);
    tf.dispose([h, g]);
  });

  it("matches central finite differences away from zero", () => {
    const rng = seedrandom("l1");
    const vals = Array.from({ length: 12 }, () => (rng() < 0.5 ? -1 : 1) * (0.2 + rng()));
    const h = tf.tensor2d(vals, [3, 4]);
    const r = checkGradient((x) => l1Penalty(x), h, { eps: 1e-2 });
    expect(r.relativeError).toBeLessThan(1e-3);
    h.dispose();
  });

  it("rejects bad input with a message naming the argument", () => {
    expect(() => l1Penalty(tf.tensor1d([1, 2]))).toThrow(/l1Penalty: argument 'h' must be a rank 2 tensor.*got rank 1/);
    expect(() => l1Penalty(tf.zeros([2, 2, 2]))).toThrow(/argument 'h' must be a rank 2 tensor.*got rank 3/);
    expect(() => l1Penalty(tf.zeros([0, 3]))).toThrow(/argument 'h' must be a non-empty batch/);
    expect(() => l1Penalty(tf.tensor2d([[1, NaN]]))).toThrow(/argument 'h' must be finite everywhere, got 1 NaN/);
    expect(() => l1Penalty(tf.tensor2d([[1, Infinity]]))).toThrow(/argument 'h' must be finite everywhere, got 0 NaN and 1 infinite/);
    expect(() => l1Penalty([[1, 2]] as never)).toThrow(/argument 'h' must be a tf.Tensor/);
    expect(() => l1Penalty(tf.ones([2, 2]), { scale: 2 } as never)).toThrow(/l1Penalty: unknown option 'scale'; known options: \(none\)/);
  });

  it("leaks no tensors, value or gradient", () => {
    const h = tf.tensor2d([[1, -2, 3]]);
    const before = tf.memory().numTensors;
    l1Penalty(h).dispose();
    tf.grad((x: tf.Tensor) => l1Penalty(x))(h).dispose();
    expect(tf.memory().numTensors).toBe(before);
    h.dispose();
  });
});
