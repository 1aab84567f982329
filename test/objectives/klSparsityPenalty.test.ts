import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { klSparsityPenalty } from "../../src/objectives/klSparsityPenalty.js";
import { checkGradient } from "../../src/verify/gradientCheck.js";

const kl = (rho: number, q: number) => rho * Math.log(rho / q) + (1 - rho) * Math.log((1 - rho) / (1 - q));

describe("klSparsityPenalty", () => {
  it("is 0 when every unit's batch mean equals rho", () => {
    // column means are 0.25 and 0.25
    const h = tf.tensor2d([
      [0, 0.5],
      [0.5, 0.25],
      [0.25, 0],
      [0.25, 0.25],
    ]);
    const v = klSparsityPenalty(h, { rho: 0.25 });
    expect(Math.abs(v.dataSync()[0])).toBeLessThan(1e-6);
    tf.dispose([h, v]);
  });

  it("equals sum_k KL(rho || rho_hat_k) at a hand-computed point", () => {
    const h = tf.tensor2d([
      [0.2, 0.6],
      [0.4, 0.2],
    ]);
    // rho_hat = [0.3, 0.4]
    const expected = kl(0.1, 0.3) + kl(0.1, 0.4);
    const v = klSparsityPenalty(h, { rho: 0.1 });
    expect(v.dataSync()[0]).toBeCloseTo(expected, 5);
    expect(expected).toBeGreaterThan(0.1);
    tf.dispose([h, v]);
  });

  it("has gradient (1/B)(-rho/q + (1-rho)/(1-q)) and matches finite differences", () => {
    const rng = seedrandom("kl");
    const [batch, units, rho] = [4, 3, 0.1];
    const vals = Array.from({ length: batch * units }, () => 0.2 + 0.6 * rng());
    const h = tf.tensor2d(vals, [batch, units]);
    const r = checkGradient((x) => klSparsityPenalty(x, { rho }), h, { eps: 1e-3 });
    expect(r.relativeError).toBeLessThan(1e-3);
    for (let k = 0; k < units; k++) {
      let q = 0;
      for (let b = 0; b < batch; b++) q += vals[b * units + k] / batch;
      const want = (-rho / q + (1 - rho) / (1 - q)) / batch;
      for (let b = 0; b < batch; b++) expect(r.analytic[b * units + k]).toBeCloseTo(want, 4);
    }
    h.dispose();
  });

  it("stays finite (value and gradient) for units that are exactly 0 or exactly 1", () => {
    const h = tf.tensor2d([
      [0, 1, 0.3],
      [0, 1, 0.5],
    ]);
    const v = klSparsityPenalty(h, { rho: 0.05 });
    const value = v.dataSync()[0];
    expect(Number.isFinite(value)).toBe(true);
    // rho_hat clamped to [1e-6, 1 - 1e-6]: float32 rounding of 1 - 1e-6 allows a small tolerance.
    const expected = kl(0.05, 1e-6) + kl(0.05, 1 - 1e-6) + kl(0.05, 0.4);
    expect(Math.abs(value - expected) / expected).toBeLessThan(1e-3);
    const g = tf.grad((x: tf.Tensor) => klSparsityPenalty(x, { rho: 0.05 }))(h);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([h, v, g]);
  });

  it("honours eps", () => {
    const h = tf.tensor2d([[0], [0]]);
    const v = klSparsityPenalty(h, { rho: 0.05, eps: 1e-3 });
    expect(v.dataSync()[0]).toBeCloseTo(kl(0.05, 1e-3), 4);
    tf.dispose([h, v]);
  });

  it("rejects bad input with a message naming the argument and the expectation", () => {
    const ok = tf.tensor2d([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
    expect(() => klSparsityPenalty(tf.tensor1d([0.1, 0.2]), { rho: 0.1 })).toThrow(/klSparsityPenalty: argument 'h' must be a rank 2 tensor/);
    expect(() => klSparsityPenalty(tf.zeros([0, 2]), { rho: 0.1 })).toThrow(/argument 'h' must be a non-empty batch/);
    expect(() => klSparsityPenalty(tf.tensor2d([[0.1, 0.2]]), { rho: 0.1 })).toThrow(
      /argument 'h' must be a batch of at least 2 samples \(rho_hat is a batch mean.*got batch size 1/,
    );
    expect(() => klSparsityPenalty(tf.tensor2d([[0.1, NaN], [0.1, 0.1]]), { rho: 0.1 })).toThrow(/argument 'h' must be finite everywhere, got 1 NaN/);
    expect(() => klSparsityPenalty(tf.tensor2d([[0.1, Infinity], [0.1, 0.1]]), { rho: 0.1 })).toThrow(/1 infinite/);
    expect(() => klSparsityPenalty(tf.tensor2d([[0.1, 1.5], [0.1, 0.1]]), { rho: 0.1 })).toThrow(/argument 'h' must be within \[0, 1\], got values in \[0\.1\d*, 1\.5\]/);
    expect(() => klSparsityPenalty(tf.tensor2d([[-0.1, 0.5], [0.1, 0.1]]), { rho: 0.1 })).toThrow(/argument 'h' must be within \[0, 1\]/);
    for (const rho of [0, 1, -0.2, 1.5, NaN]) {
      expect(() => klSparsityPenalty(ok, { rho })).toThrow(/klSparsityPenalty: option 'rho' must be a finite number, > 0, < 1/);
    }
    expect(() => klSparsityPenalty(ok, {} as never)).toThrow(/option 'rho' must be a finite number, > 0, < 1, got undefined/);
    expect(() => klSparsityPenalty(ok, undefined as never)).toThrow(/option 'rho'/);
    expect(() => klSparsityPenalty(ok, { rho: 0.1, eps: 0 })).toThrow(/option 'eps' must be a finite number, > 0, < 0.5, got 0/);
    expect(() => klSparsityPenalty(ok, { roh: 0.1 } as never)).toThrow(/unknown option 'roh'; known options: rho, eps/);
    ok.dispose();
  });

  it("leaks no tensors, value or gradient", () => {
    const h = tf.tensor2d([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
    const before = tf.memory().numTensors;
    klSparsityPenalty(h, { rho: 0.05 }).dispose();
    tf.grad((x: tf.Tensor) => klSparsityPenalty(x, { rho: 0.05 }))(h).dispose();
    expect(tf.memory().numTensors).toBe(before);
    h.dispose();
  });
});
