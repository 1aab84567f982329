import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { hardConcreteGate } from "../../src/masks/hardConcreteGate.js";
import { hardConcreteExpectedL0 } from "../../src/objectives/hardConcreteExpectedL0.js";

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe("hardConcreteGate", () => {
  it("test time is deterministic: clip(sigmoid(log_alpha) (zeta - gamma) + gamma, 0, 1)", () => {
    const la = [-5, -2.5, -1, 0, 1, 2.5, 5];
    const x = tf.tensor3d(la, [1, 1, 7]);
    const a = Array.from(hardConcreteGate(x).dataSync());
    const b = Array.from(hardConcreteGate(x, { training: false, seed: 99 }).dataSync());
    expect(a).toEqual(b);
    a.forEach((v, i) => expect(v).toBeCloseTo(Math.min(1, Math.max(0, sigmoid(la[i]) * 1.2 - 0.1)), 6));
    expect(a[0]).toBe(0);
    expect(a[6]).toBe(1);
  });

  it("training samples are seeded, in [0, 1], with exact zeros and ones", () => {
    const x = tf.zeros([4, 8, 8, 1]);
    const s1 = Array.from(hardConcreteGate(x, { training: true, seed: 3 }).dataSync());
    const s2 = Array.from(hardConcreteGate(x, { training: true, seed: 3 }).dataSync());
    const s3 = Array.from(hardConcreteGate(x, { training: true, seed: 4 }).dataSync());
    expect(s1).toEqual(s2);
    expect(s1).not.toEqual(s3);
    expect(s1.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(s1.some((v) => v === 0)).toBe(true);
    expect(s1.some((v) => v === 1)).toBe(true);
  });

  it("the Monte Carlo fraction of non-zero samples matches the closed-form expected L0", () => {
    for (const l of [-2, 0, 1.5]) {
      const x = tf.fill([20, 50, 50], l);
      const z = hardConcreteGate(x, { training: true, seed: 11 });
      const mc = tf.mean(tf.cast(tf.greater(z, 0), "float32")).dataSync()[0];
      const closed = hardConcreteExpectedL0(x).dataSync()[0];
      // 50,000 Bernoulli draws: standard error < 0.0023.
      expect(Math.abs(mc - closed)).toBeLessThan(0.01);
      tf.dispose([x, z]);
    }
  });

  it("is differentiable in log_alpha while training (reparameterisation)", () => {
    const x = tf.tensor3d([[[0.2, -0.3, 1.0]]]);
    const g = Array.from(tf.grad((la: tf.Tensor) => tf.sum(hardConcreteGate(la, { training: true, seed: 5 })))(x).dataSync());
    const z = Array.from(hardConcreteGate(x, { training: true, seed: 5 }).dataSync());
    g.forEach((gi, i) => {
      if (z[i] > 0 && z[i] < 1) expect(gi).toBeGreaterThan(0);
      else expect(gi).toBe(0);
    });
  });

  it("rejects a missing seed in training and bad options", () => {
    const x = tf.zeros([1, 2, 2]);
    expect(() => hardConcreteGate(x, { training: true })).toThrow(/hardConcreteGate: option 'seed' is required/);
    expect(() => hardConcreteGate(x, { training: true, seed: -1 })).toThrow(/option 'seed'/);
    expect(() => hardConcreteGate(x, { zeta: 0.9 })).toThrow(/option 'zeta'/);
    expect(() => hardConcreteGate(x, { noise: 1 } as never)).toThrow(/unknown option 'noise'/);
  });
});
