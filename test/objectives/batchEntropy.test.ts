import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { batchEntropy, type BatchTerm } from "../../src/objectives/batchEntropy.js";
import { checkGradient } from "../../src/verify/gradientCheck.js";

/**
 * The plain forward formula of SPEC §1.5, written in the seed's orientation (X = h^T, N x B) with
 * explicit exp / sum / log (no log-sum-exp), valid for moderate |beta X|.
 */
function plainCost(h: tf.Tensor, beta: number, lambda: number, batchTerm: BatchTerm): tf.Scalar {
  return tf.tidy(() => {
    const x = tf.transpose(h); // N units x B samples
    const e = tf.exp(tf.mul(x, -beta));
    const q = tf.div(e, tf.sum(e, 0, true)); // Q_il: over units, per sample
    const p = tf.div(e, tf.sum(e, 1, true)); // P_il: over the batch, per unit
    const hl = tf.neg(tf.sum(tf.mul(q, tf.log(q)), 0)); // H_l, length B
    if (batchTerm === "perUnit") {
      const hi = tf.neg(tf.sum(tf.mul(p, tf.log(p)), 1)); // H_i, length N
      return tf.sub(tf.sum(hl), tf.mul(lambda, tf.sum(hi))) as tf.Scalar;
    }
    const qbar = tf.mean(q, 1);
    const hq = tf.neg(tf.sum(tf.mul(qbar, tf.log(qbar))));
    return tf.sub(tf.mean(hl), tf.mul(lambda, hq)) as tf.Scalar;
  });
}

function scalar(t: tf.Tensor): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

function gradArray(f: (x: tf.Tensor) => tf.Scalar, h: tf.Tensor): Float32Array {
  return tf.tidy(() => tf.grad(f)(h).dataSync() as Float32Array);
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    na += a[i] ** 2;
    nb += b[i] ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(na), Math.sqrt(nb), 1e-30);
}

const entropy = (p: number[]) => -p.reduce((a, v) => a + (v > 0 ? v * Math.log(v) : 0), 0);
const softmax = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
};

function randomCodes(seed: string, batch: number, units: number, scale = 1): tf.Tensor2D {
  const rng = seedrandom(seed);
  return tf.tensor2d(
    Array.from({ length: batch * units }, () => scale * (2 * rng() - 1)),
    [batch, units],
  );
}

const TERMS: BatchTerm[] = ["perUnit", "marginal"];

describe("batchEntropy", () => {
  it("forward value equals the plain formula", () => {
    for (const batchTerm of TERMS) {
      for (const beta of [-1, 2.5]) {
        const h = randomCodes(`v${beta}${batchTerm}`, 5, 4);
        const got = scalar(batchEntropy(h, { beta, lambda: 0.7, batchTerm }));
        const want = scalar(plainCost(h, beta, 0.7, batchTerm));
        expect(Math.abs(got - want)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want)));
        h.dispose();
      }
    }
  });

  it("perUnit: the analytic eq. 14 gradient (customGrad) equals autodiff of the plain formula and finite differences", () => {
    for (const [beta, lambda] of [
      [-1, 0.5],
      [1.5, 2],
      [-3, 0],
    ]) {
      const h = randomCodes(`pu${beta}`, 4, 5);
      const analytic = gradArray((x) => batchEntropy(x, { beta, lambda }), h);
      const auto = gradArray((x) => plainCost(x, beta, lambda, "perUnit"), h);
      expect(relErr(analytic, auto)).toBeLessThan(1e-4);
      const r = checkGradient((x) => batchEntropy(x, { beta, lambda }), h, { eps: 5e-3 });
      expect(r.relativeError).toBeLessThan(1e-3);
      h.dispose();
    }
  });

  it("marginal: the autodiff gradient equals autodiff of the plain formula and finite differences", () => {
    for (const [beta, lambda] of [
      [-1, 0.5],
      [2, 1.5],
    ]) {
      const h = randomCodes(`mg${beta}`, 4, 5);
      const got = gradArray((x) => batchEntropy(x, { beta, lambda, batchTerm: "marginal" }), h);
      const plain = gradArray((x) => plainCost(x, beta, lambda, "marginal"), h);
      expect(relErr(got, plain)).toBeLessThan(1e-4);
      const r = checkGradient((x) => batchEntropy(x, { beta, lambda, batchTerm: "marginal" }), h, { eps: 5e-3 });
      expect(r.relativeError).toBeLessThan(1e-3);
      h.dispose();
    }
  });

  it("per-sample entropy goes to 0 for one-hot codes at large beta", () => {
    const h = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
    ]);
    for (const batchTerm of TERMS) {
      // lambda = 0 leaves only the H_l term; Q is a softmax of 50 h, nearly one-hot.
      const v = scalar(batchEntropy(h, { beta: -50, lambda: 0, batchTerm }));
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1e-6);
    }
    h.dispose();
  });

  it("per-unit entropy is ln B for a unit that is constant over the batch", () => {
    const row = [0.3, -0.2, 1.1];
    const batch = 4;
    const h = tf.tensor2d(Array.from({ length: batch }, () => row));
    const beta = -2;
    const lambda = 0.6;
    // every P_i is uniform (H_i = ln B); every Q_l is softmax(-beta row).
    const want = batch * entropy(softmax(row.map((v) => -beta * v))) - lambda * row.length * Math.log(batch);
    expect(scalar(batchEntropy(h, { beta, lambda }))).toBeCloseTo(want, 4);
    h.dispose();
  });

  it("collapse is the global optimum of perUnit but not of marginal", () => {
    const [batch, units, lambda, beta] = [4, 4, 1, -50];
    const collapsed = tf.tensor2d(Array.from({ length: batch }, () => [1, 0, 0, 0]));
    const balanced = tf.eye(batch, units);
    // perUnit is bounded below by -lambda K ln B (H_l >= 0, H_i <= ln B); collapse reaches it.
    const pc = scalar(batchEntropy(collapsed, { beta, lambda }));
    const pb = scalar(batchEntropy(balanced, { beta, lambda }));
    expect(pc).toBeCloseTo(-lambda * units * Math.log(batch), 4);
    expect(pc).toBeLessThan(pb);
    // marginal is bounded below by -lambda ln K; the balanced assignment reaches it, collapse gives 0.
    const mc = scalar(batchEntropy(collapsed, { beta, lambda, batchTerm: "marginal" }));
    const mb = scalar(batchEntropy(balanced, { beta, lambda, batchTerm: "marginal" }));
    expect(mb).toBeCloseTo(-lambda * Math.log(units), 4);
    expect(mc).toBeCloseTo(0, 4);
    expect(mb).toBeLessThan(mc);
    tf.dispose([collapsed, balanced]);
  });

  it("is finite (value and gradient) for |beta X| up to 1e4", () => {
    const cases: [number, number][] = [
      [-1, 1e4], // beta = -1, codes up to 1e4
      [1, 1e4],
      [1e4, 1], // large beta, unit-size codes
      [-100, 100],
    ];
    const [batch, units, lambda] = [6, 5, 0.8];
    for (const [beta, scale] of cases) {
      const h = randomCodes(`big${beta}`, batch, units, scale);
      for (const batchTerm of TERMS) {
        const v = scalar(batchEntropy(h, { beta, lambda, batchTerm }));
        expect(Number.isFinite(v)).toBe(true);
        const [lo, hi] =
          batchTerm === "perUnit"
            ? [-lambda * units * Math.log(batch), batch * Math.log(units)]
            : [-lambda * Math.log(units), Math.log(units)];
        expect(v).toBeGreaterThanOrEqual(lo - 1e-3);
        expect(v).toBeLessThanOrEqual(hi + 1e-3);
        const g = gradArray((x) => batchEntropy(x, { beta, lambda, batchTerm }), h);
        expect(Array.from(g).every(Number.isFinite)).toBe(true);
      }
      h.dispose();
    }
  });

  it("is shift-invariant at |beta X| = 1e4, where a naive exp would overflow", () => {
    // Adding a constant to every entry changes neither softmax, so C and dC/dh are unchanged.
    // Near-ties keep the gradient away from 0; float32 spacing at 1e4 is ~1e-3, hence the tolerance.
    const small = randomCodes("shift", 5, 4, 2);
    const shifted = tf.add(small, 1e4);
    expect(scalar(tf.max(tf.abs(shifted)))).toBeGreaterThanOrEqual(1e4 - 2);
    for (const batchTerm of TERMS) {
      const opts = { beta: -1, lambda: 0.8, batchTerm };
      const v0 = scalar(batchEntropy(small, opts));
      const v1 = scalar(batchEntropy(shifted, opts));
      expect(Number.isFinite(v1)).toBe(true);
      expect(Math.abs(v1 - v0)).toBeLessThan(1e-2 * Math.max(1, Math.abs(v0)));
      const g0 = gradArray((x) => batchEntropy(x, opts), small);
      const g1 = gradArray((x) => batchEntropy(x, opts), shifted);
      expect(Array.from(g1).every(Number.isFinite)).toBe(true);
      expect(Math.max(...Array.from(g0).map(Math.abs))).toBeGreaterThan(1e-2);
      expect(relErr(g1, g0)).toBeLessThan(1e-2);
    }
    // The plain formula is not stable there: exp(1e4) overflows float32.
    expect(Number.isFinite(scalar(plainCost(shifted, -1, 0.8, "perUnit")))).toBe(false);
    tf.dispose([small, shifted]);
  });

  it("rejects bad input with a message naming the argument and the expectation", () => {
    const ok = randomCodes("bad", 3, 2);
    const opts = { beta: -1, lambda: 1 };
    expect(() => batchEntropy(tf.ones([3]), opts)).toThrow(/batchEntropy: argument 'h' must be a rank 2 tensor/);
    expect(() => batchEntropy(tf.ones([0, 3]), opts)).toThrow(/argument 'h' must be a non-empty batch/);
    expect(() => batchEntropy(tf.ones([1, 3]), opts)).toThrow(
      /argument 'h' must be a batch of at least 2 samples \(the batch term measures how each unit is used across samples\), got batch size 1/,
    );
    expect(() => batchEntropy(tf.tensor2d([[1, NaN], [0, 0]]), opts)).toThrow(/argument 'h' must be finite everywhere, got 1 NaN/);
    expect(() => batchEntropy(tf.tensor2d([[1, Infinity], [0, 0]]), opts)).toThrow(/1 infinite/);
    expect(() => batchEntropy(ok, { beta: 0, lambda: 1 })).toThrow(/option 'beta' must be a nonzero finite number.*got 0/);
    expect(() => batchEntropy(ok, { beta: Infinity, lambda: 1 })).toThrow(/option 'beta' must be a finite number, got Infinity/);
    expect(() => batchEntropy(ok, { lambda: 1 } as never)).toThrow(/option 'beta' must be a finite number, got undefined/);
    expect(() => batchEntropy(ok, { beta: -1, lambda: -0.1 })).toThrow(/option 'lambda' must be a finite number, >= 0, got -0.1/);
    expect(() => batchEntropy(ok, { beta: -1, lambda: NaN })).toThrow(/option 'lambda' must be a finite number, >= 0, got NaN/);
    expect(() => batchEntropy(ok, { ...opts, batchTerm: "global" } as never)).toThrow(
      /option 'batchTerm' must be one of "perUnit", "marginal", got "global"/,
    );
    expect(() => batchEntropy(ok, { ...opts, temperature: 1 } as never)).toThrow(
      /unknown option 'temperature'; known options: beta, lambda, batchTerm/,
    );
    ok.dispose();
  });

  it("leaks no tensors, value or gradient, for both batch terms", () => {
    const h = randomCodes("leak", 3, 4);
    const before = tf.memory().numTensors;
    for (const batchTerm of TERMS) {
      batchEntropy(h, { beta: -1, lambda: 1, batchTerm }).dispose();
      tf.grad((x: tf.Tensor) => batchEntropy(x, { beta: -1, lambda: 1, batchTerm }))(h).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    h.dispose();
  });
});
