import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { HARD_CONCRETE_DEFAULTS, hardConcreteExpectedL0, resolveHardConcreteParams } from "../../src/objectives/hardConcreteExpectedL0.js";
import { checkGradient } from "../../src/verify/gradientCheck.js";

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function value(t: tf.Scalar): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

describe("hardConcreteExpectedL0", () => {
  it("is the mean of sigmoid(log_alpha - beta log(-gamma/zeta)) (paper defaults)", () => {
    const logits = [-3, -1, 0, 0.5, 2, 4];
    const la = tf.tensor4d(logits, [1, 2, 3, 1]);
    const { beta, gamma, zeta } = HARD_CONCRETE_DEFAULTS;
    const expected = logits.reduce((a, l) => a + sigmoid(l - beta * Math.log(-gamma / zeta)), 0) / logits.length;
    expect(value(hardConcreteExpectedL0(la))).toBeCloseTo(expected, 6);
    // log_alpha = 0: P(z != 0) = sigmoid((2/3) log 11) ~ 0.8315.
    expect(value(hardConcreteExpectedL0(tf.zeros([2, 3, 3])))).toBeCloseTo(sigmoid((2 / 3) * Math.log(11)), 6);
    la.dispose();
  });

  it("uses the given beta, gamma, zeta", () => {
    const la = tf.tensor2d([[0.3, -0.7]]);
    const p = { beta: 0.5, gamma: -0.2, zeta: 1.3 };
    const expected = (sigmoid(0.3 - 0.5 * Math.log(0.2 / 1.3)) + sigmoid(-0.7 - 0.5 * Math.log(0.2 / 1.3))) / 2;
    expect(value(hardConcreteExpectedL0(la, p))).toBeCloseTo(expected, 6);
    la.dispose();
  });

  it("matches finite differences", () => {
    const rng = seedrandom("l0");
    const la = tf.tensor4d(Array.from({ length: 18 }, () => 4 * rng() - 2), [2, 3, 3, 1]);
    const r = checkGradient((x) => hardConcreteExpectedL0(x), la, { eps: 1e-2 });
    expect(r.relativeError).toBeLessThan(1e-3);
    la.dispose();
  });

  it("rejects bad input and options", () => {
    expect(() => hardConcreteExpectedL0(tf.scalar(1))).toThrow(/hardConcreteExpectedL0: argument 'logAlpha' must be a tensor with a batch axis/);
    expect(() => hardConcreteExpectedL0(tf.zeros([0, 3]))).toThrow(/non-empty batch/);
    expect(() => hardConcreteExpectedL0(tf.tensor2d([[NaN]]))).toThrow(/finite everywhere/);
    expect(() => hardConcreteExpectedL0(tf.zeros([1, 2]), { gamma: 0.1 })).toThrow(/option 'gamma' must be a finite number, < 0/);
    expect(() => hardConcreteExpectedL0(tf.zeros([1, 2]), { zeta: 1 })).toThrow(/option 'zeta' must be a finite number, > 1/);
    expect(() => hardConcreteExpectedL0(tf.zeros([1, 2]), { beta: 0 })).toThrow(/option 'beta'/);
    expect(() => hardConcreteExpectedL0(tf.zeros([1, 2]), { temperature: 1 } as never)).toThrow(/unknown option 'temperature'/);
    expect(() => resolveHardConcreteParams({ gamma: -0.1 }, "x")).not.toThrow();
  });

  it("leaks no tensors", () => {
    const la = tf.zeros([2, 4]);
    const before = tf.memory().numTensors;
    hardConcreteExpectedL0(la).dispose();
    tf.grad((x: tf.Tensor) => hardConcreteExpectedL0(x))(la).dispose();
    expect(tf.memory().numTensors).toBe(before);
    la.dispose();
  });
});
