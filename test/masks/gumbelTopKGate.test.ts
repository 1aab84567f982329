import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { gumbelTopKGate } from "../../src/masks/gumbelTopKGate.js";

function rowSums(m: tf.Tensor): number[] {
  return Array.from(tf.tidy(() => tf.sum(tf.reshape(m, [m.shape[0], -1]), 1)).dataSync());
}

describe("gumbelTopKGate", () => {
  it("keeps exactly k pixels per sample, in training and at test time, even with tied logits", () => {
    const rng = seedrandom("gk");
    const logits = tf.tensor4d(Array.from({ length: 5 * 36 }, () => 3 * rng() - 1.5), [5, 6, 6, 1]);
    for (const k of [1, 7, 36]) {
      expect(rowSums(gumbelTopKGate(logits, { k }))).toEqual([k, k, k, k, k]);
      expect(rowSums(gumbelTopKGate(logits, { k, training: true, seed: k }))).toEqual([k, k, k, k, k]);
    }
    const tied = tf.zeros([3, 4, 4]);
    expect(rowSums(gumbelTopKGate(tied, { k: 5 }))).toEqual([5, 5, 5]);
    const m = gumbelTopKGate(tied, { k: 5, training: true, seed: 1 });
    expect(Array.from(m.dataSync()).every((v) => v === 0 || v === 1)).toBe(true);
  });

  it("test time keeps the k largest logits; training noise is seeded", () => {
    const logits = tf.tensor3d([[[0.1, 3, -1, 2]]]);
    expect(Array.from(gumbelTopKGate(logits, { k: 2 }).dataSync())).toEqual([0, 1, 0, 1]);
    const big = tf.zeros([2, 10, 10]);
    const a = Array.from(gumbelTopKGate(big, { k: 10, training: true, seed: 7 }).dataSync());
    const b = Array.from(gumbelTopKGate(big, { k: 10, training: true, seed: 7 }).dataSync());
    const c = Array.from(gumbelTopKGate(big, { k: 10, training: true, seed: 8 }).dataSync());
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("noiseScale scales the training noise: 0 is plain top-k, a large scale overrides small logit gaps", () => {
    const logits = tf.tensor3d([[Array.from({ length: 16 }, (_, i) => i * 0.5)]]); // top 4 = the last 4
    const plain = Array.from(gumbelTopKGate(logits, { k: 4 }).dataSync());
    expect(Array.from(gumbelTopKGate(logits, { k: 4, training: true, seed: 3, noiseScale: 0 }).dataSync())).toEqual(plain);
    const changed = [1, 2, 3, 4, 5].filter((seed) => Array.from(gumbelTopKGate(logits, { k: 4, training: true, seed, noiseScale: 20 }).dataSync()).join() !== plain.join());
    expect(changed.length).toBeGreaterThanOrEqual(4);
    expect(() => gumbelTopKGate(logits, { k: 4, noiseScale: -1 })).toThrow(/option 'noiseScale'/);
    logits.dispose();
  });

  it("fixedSum false: backward is the relaxed mask's gradient sigmoid'((m - t)/tau)/tau, t between the k-th and (k+1)-th logit held fixed", () => {
    const vals = [4, 1, 0.5, -2];
    const logits = tf.tensor3d([[vals]]);
    const tau = 0.5;
    const g = Array.from(tf.grad((x: tf.Tensor) => tf.sum(gumbelTopKGate(x, { k: 2, temperature: tau, fixedSum: false })))(logits).dataSync());
    const t = (1 + 0.5) / 2;
    vals.forEach((v, i) => {
      const s = 1 / (1 + Math.exp(-(v - t) / tau));
      expect(g[i]).toBeCloseTo((s * (1 - s)) / tau, 5);
    });
    // the pixels at the boundary get the most gradient.
    expect(g[1]).toBeGreaterThan(g[0]);
    expect(g[2]).toBeGreaterThan(g[3]);
  });

  it("fixedSum (default): the gradient of the relaxed mask whose threshold moves to keep its sum (finite differences), zero-sum per sample", () => {
    const vals = [2.5, 1, 0.4, -0.3, -2];
    const weights = [0.7, -1.3, 2.1, 0.4, -0.9];
    const tau = 0.8;
    const k = 2;
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const t0 = (vals[1] + vals[2]) / 2;
    const sum0 = vals.reduce((a, v) => a + sig((v - t0) / tau), 0);
    // The threshold that keeps sum sigmoid((m - t) / tau) at sum0, by bisection.
    const threshold = (m: number[]) => {
      let lo = -20;
      let hi = 20;
      for (let i = 0; i < 200; i++) {
        const mid = (lo + hi) / 2;
        if (m.reduce((a, v) => a + sig((v - mid) / tau), 0) > sum0) lo = mid;
        else hi = mid;
      }
      return (lo + hi) / 2;
    };
    const relaxed = (m: number[]) => {
      const t = threshold(m);
      return m.reduce((a, v, i) => a + weights[i] * sig((v - t) / tau), 0);
    };
    const g = Array.from(
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gumbelTopKGate(x, { k, temperature: tau }), tf.tensor3d([[weights]]))))(tf.tensor3d([[vals]])).dataSync(),
    );
    const h = 1e-4;
    vals.forEach((_, i) => {
      const up = vals.map((v, j) => (j === i ? v + h : v));
      const down = vals.map((v, j) => (j === i ? v - h : v));
      expect(g[i]).toBeCloseTo((relaxed(up) - relaxed(down)) / (2 * h), 4);
    });
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 6);
    // A gradient equal on every pixel (e.g. "more ink everywhere") moves nothing.
    const uniform = tf.grad((x: tf.Tensor) => tf.sum(gumbelTopKGate(x, { k, temperature: tau, fixedSum: true })))(tf.tensor3d([[vals]]));
    for (const v of uniform.dataSync()) expect(Math.abs(v)).toBeLessThan(1e-6);
  });

  it("rejects bad k, temperature and a missing training seed", () => {
    const x = tf.zeros([1, 3, 3]);
    expect(() => gumbelTopKGate(x, { k: 0 })).toThrow(/gumbelTopKGate: option 'k' must be an integer, >= 1, <= 9/);
    expect(() => gumbelTopKGate(x, { k: 10 })).toThrow(/<= 9/);
    expect(() => gumbelTopKGate(x, { k: 2, temperature: 0 })).toThrow(/option 'temperature'/);
    expect(() => gumbelTopKGate(x, { k: 2, training: true })).toThrow(/option 'seed' is required/);
    expect(() => gumbelTopKGate(x, { k: 2, fixedSum: 1 as never })).toThrow(/option 'fixedSum'/);
    expect(() => gumbelTopKGate(x, undefined as never)).toThrow(/argument 'options' must be/);
  });

  it("leaks no tensors", () => {
    const x = tf.zeros([2, 3, 3]);
    const before = tf.memory().numTensors;
    gumbelTopKGate(x, { k: 3, training: true, seed: 1 }).dispose();
    tf.grad((v: tf.Tensor) => tf.sum(gumbelTopKGate(v, { k: 3 })))(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
