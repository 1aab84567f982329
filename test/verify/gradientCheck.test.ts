import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { SparsekitError } from "../../src/validation/SparsekitError.js";
import { checkGradient, finiteDifferenceGradient } from "../../src/verify/gradientCheck.js";

// f(x) = sum(x^3) + sum(sin x), whose gradient is 3 x^2 + cos x.
const f = (x: tf.Tensor) => tf.add(tf.sum(tf.pow(x, 3)), tf.sum(tf.sin(x))) as tf.Scalar;
const values = [0.3, -1.2, 0.8, 1.5, -0.4, 2.0];
const known = values.map((v) => 3 * v * v + Math.cos(v));

describe("finiteDifferenceGradient", () => {
  it("matches a known gradient and keeps the shape of x", () => {
    const x = tf.tensor2d(values, [2, 3]);
    const g = finiteDifferenceGradient(f, x, { eps: 1e-2 });
    expect(g.shape).toEqual([2, 3]);
    const got = Array.from(g.dataSync());
    got.forEach((v, i) => expect(v).toBeCloseTo(known[i], 2));
    // x itself is not modified by the perturbations.
    expect(Array.from(x.dataSync())).toEqual(Array.from(new Float32Array(values)));
    tf.dispose([x, g]);
  });

  it("central differences are exact for a quadratic (up to float32 rounding)", () => {
    const x = tf.tensor1d([0.5, -2, 3]);
    const g = finiteDifferenceGradient((t) => tf.sum(tf.square(t)), x, { eps: 1e-2 });
    Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(2 * [0.5, -2, 3][i], 3));
    tf.dispose([x, g]);
  });

  it("rejects a non-scalar f, bad eps, unknown options and non-float input", () => {
    const x = tf.tensor1d([1, 2]);
    expect(() => finiteDifferenceGradient((t) => tf.mul(t, 2), x)).toThrow(/argument 'f' must return a scalar tensor, got shape \[2\]/);
    expect(() => finiteDifferenceGradient(f, x, { eps: 0 })).toThrow(/option 'eps' must be a finite number, > 0, got 0/);
    expect(() => finiteDifferenceGradient(f, x, { step: 1 } as never)).toThrow(/unknown option 'step'/);
    expect(() => finiteDifferenceGradient(f, tf.tensor1d([1, 2], "int32"))).toThrow(/argument 'x' must be a float32 tensor, got dtype int32/);
    expect(() => finiteDifferenceGradient(f, tf.tensor1d([1, NaN]))).toThrow(SparsekitError);
    expect(() => finiteDifferenceGradient("f" as never, x)).toThrow(/argument 'f' must be a function/);
    x.dispose();
  });
});

describe("checkGradient", () => {
  it("reports a small relative error for a correct gradient", () => {
    const x = tf.tensor2d(values, [2, 3]);
    const r = checkGradient(f, x, { eps: 1e-2 });
    expect(r.relativeError).toBeLessThan(1e-3);
    expect(r.shape).toEqual([2, 3]);
    Array.from(r.analytic).forEach((v, i) => expect(v).toBeCloseTo(known[i], 4));
    x.dispose();
  });

  it("reports a large relative error for a wrong gradient", () => {
    // value sum(x^2), but the gradient claims x instead of 2x.
    const wrong = (t: tf.Tensor) =>
      tf.customGrad((a) => ({ value: tf.sum(tf.square(a as tf.Tensor)), gradFunc: (dy: tf.Tensor) => tf.mul(dy, a as tf.Tensor) }))(t) as tf.Scalar;
    const x = tf.tensor1d([0.5, -1, 2]);
    const r = checkGradient(wrong, x);
    // ||x - 2x|| / ||2x|| = 1/2.
    expect(r.relativeError).toBeCloseTo(0.5, 2);
    x.dispose();
  });

  it("is zero when both gradients vanish", () => {
    const x = tf.tensor1d([1, 2]);
    const r = checkGradient((t) => tf.sum(tf.mul(t, 0)), x);
    expect(r.relativeError).toBe(0);
    expect(() => checkGradient(() => tf.scalar(3), x)).toThrow(/checkGradient: argument 'f' must compute its output from x/);
    x.dispose();
  });

  it("leaves no tensors behind", () => {
    const x = tf.tensor1d([0.1, 0.2, 0.3]);
    const before = tf.memory().numTensors;
    checkGradient(f, x);
    const g = finiteDifferenceGradient(f, x);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
