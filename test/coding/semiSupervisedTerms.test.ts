import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import {
  maskedCrossEntropy,
  normalizeCodes,
  semiSupervisedExtraEnergy,
  semiSupervisedExtraGradient,
  type SemiSupervisedTerms,
} from "../../src/coding/semiSupervisedTerms.js";
import { batchEntropy } from "../../src/objectives/batchEntropy.js";
import { checkGradient } from "../../src/verify/index.js";

const B = 5;
const M = 7;
const C = 3;

function terms(over: Partial<SemiSupervisedTerms> = {}): SemiSupervisedTerms {
  return {
    entropyWeight: 0.7,
    entropyBeta: -1,
    entropyLambda: 0.5,
    batchTerm: "perUnit",
    gamma: 1.3,
    weights: tf.randomNormal([M, C], 0, 1.5, "float32", 11) as tf.Tensor2D,
    bias: tf.tensor1d([0.2, -0.1, 0.3]),
    targets: tf.tensor2d([[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    mask: tf.tensor2d([[1], [1], [0], [1], [0]]),
    normEpsilon: 0.1,
    ...over,
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe("normalizeCodes", () => {
  it("scales rows to ||a|| / sqrt(||a||^2 + eps^2) and keeps a zero row at zero", () => {
    const n = normalizeCodes(tf.tensor2d([[3, 4], [0, 0]]), 0.5).arraySync();
    const s = Math.sqrt(25 + 0.25);
    expect(n[0]![0]).toBeCloseTo(3 / s, 6);
    expect(n[0]![1]).toBeCloseTo(4 / s, 6);
    expect(n[1]).toEqual([0, 0]);
  });
});

describe("maskedCrossEntropy", () => {
  it("sums -log softmax of the target over labelled rows only", () => {
    const logits = tf.tensor2d([[0, Math.log(3)], [5, -5], [1, 2]]);
    const targets = tf.tensor2d([[0, 1], [0, 1], [1, 0]]);
    const mask = tf.tensor2d([[1], [0], [1]]);
    // row 0: -log(3/4); row 2: -log(e^1 / (e^1 + e^2)) = log(1 + e)
    const want = -Math.log(3 / 4) + Math.log(1 + Math.E);
    expect(maskedCrossEntropy(logits, targets, mask).dataSync()[0]).toBeCloseTo(want, 5);
  });
});

describe("semiSupervisedExtraGradient", () => {
  for (const batchTerm of ["perUnit", "marginal"] as const) {
    it(`equals autodiff of the extra energy and finite differences (${batchTerm})`, () => {
      const t = terms({ batchTerm });
      // Sparse-looking codes with a silent row: the state LCA inference produces.
      const codes = tf.tidy(() => {
        const r = tf.randomNormal([B, M], 0, 1, "float32", 5);
        return tf.mul(r, tf.cast(tf.greater(tf.abs(r), 0.4), "float32")).concat(tf.zeros([1, M])) as tf.Tensor2D;
      });
      const t6: SemiSupervisedTerms = {
        ...t,
        targets: tf.concat([t.targets, tf.tensor2d([[0, 1, 0]])]) as tf.Tensor2D,
        mask: tf.concat([t.mask, tf.tensor2d([[1]])]) as tf.Tensor2D,
      };
      const energy = (a: tf.Tensor) => semiSupervisedExtraEnergy(a as tf.Tensor2D, t6);
      const fd = checkGradient(energy, codes, { eps: 1e-2 });
      expect(fd.relativeError).toBeLessThan(5e-3);
      const g = semiSupervisedExtraGradient(codes, t6);
      const autodiff = tf.grad(energy)(codes);
      expect(maxAbsDiff(g.dataSync(), autodiff.dataSync())).toBeLessThan(1e-5);
      expect(maxAbsDiff(g.dataSync(), fd.analytic)).toBeLessThan(1e-5);
      // The entropy part really is there: it differs from the classification part alone.
      const classOnly = semiSupervisedExtraGradient(codes, { ...t6, entropyWeight: 0 });
      expect(maxAbsDiff(g.dataSync(), classOnly.dataSync())).toBeGreaterThan(1e-3);
    });
  }

  it("the classification part is (yhat - y) W^T / eps at a silent code and zero for unlabelled rows", () => {
    const t = terms({ entropyWeight: 0 });
    const codes = tf.tidy(() => tf.concat([tf.zeros([1, M]), tf.randomNormal([B - 1, M], 0, 1, "float32", 6)]) as tf.Tensor2D);
    const g = semiSupervisedExtraGradient(codes, t).arraySync();
    const expected = tf.tidy(() =>
      (tf.div(tf.matMul(tf.sub(tf.softmax(t.bias.reshape([1, C])), t.targets.slice([0, 0], [1, C])), t.weights, false, true), t.normEpsilon) as tf.Tensor2D).arraySync(),
    )[0]!;
    g[0]!.forEach((v, k) => expect(v * t.gamma ** -1).toBeCloseTo(expected[k]!, 3));
    expect(g[2]!.every((v) => v === 0)).toBe(true);
    expect(g[4]!.every((v) => v === 0)).toBe(true);
    expect(g[1]!.some((v) => Math.abs(v) > 1e-3)).toBe(true);
  });

  it("is zero when both weights are 0, and the energy is the weighted sum of its parts", () => {
    const codes = tf.randomNormal([B, M], 0, 1, "float32", 7) as tf.Tensor2D;
    const off = terms({ entropyWeight: 0, gamma: 0 });
    expect(Array.from(semiSupervisedExtraGradient(codes, off).dataSync()).every((v) => v === 0)).toBe(true);
    expect(semiSupervisedExtraEnergy(codes, off).dataSync()[0]).toBe(0);
    const t = terms();
    const entropyPart = batchEntropy(codes, { beta: -1, lambda: 0.5 }).dataSync()[0]!;
    const classPart = semiSupervisedExtraEnergy(codes, { ...t, entropyWeight: 0 }).dataSync()[0]!;
    expect(semiSupervisedExtraEnergy(codes, t).dataSync()[0]).toBeCloseTo(0.7 * entropyPart + classPart, 4);
  });

  it("leaks no tensors", () => {
    const t = terms();
    const codes = tf.randomNormal([B, M], 0, 1, "float32", 8) as tf.Tensor2D;
    const n0 = tf.memory().numTensors;
    semiSupervisedExtraGradient(codes, t).dispose();
    semiSupervisedExtraEnergy(codes, t).dispose();
    expect(tf.memory().numTensors).toBe(n0);
  });
});
