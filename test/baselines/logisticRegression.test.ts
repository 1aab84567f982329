import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { LogisticRegression, logisticRegressionLoss } from "../../src/baselines/logisticRegression.js";
import { checkGradient } from "../../src/verify/gradientCheck.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";
import { blobs } from "./blobs.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("logisticRegressionLoss", () => {
  it("has the gradient finite differences give (weights and bias)", () => {
    const x = tf.tensor2d([[0.5, -1, 2], [1, 0.3, -0.7], [-1.2, 0.8, 0.1], [0.2, 0.2, 0.9]]);
    const y = tf.tensor2d([[1, 0], [0, 1], [0, 1], [1, 0]]);
    const w0 = tf.tensor2d([[0.1, -0.2], [0.3, 0.05], [-0.4, 0.2]]);
    const b0 = tf.tensor1d([0.1, -0.3]);
    const gw = checkGradient((w) => logisticRegressionLoss(x, y, w as tf.Tensor2D, b0, 0.3), w0, { eps: 1e-2 });
    expect(gw.relativeError).toBeLessThan(2e-3);
    const gb = checkGradient((b) => logisticRegressionLoss(x, y, w0, b as tf.Tensor1D, 0.3), b0, { eps: 1e-2 });
    expect(gb.relativeError).toBeLessThan(2e-3);
    tf.dispose([x, y, w0, b0]);
  });
  it("equals log C at W = 0, b = 0 without L2", () => {
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const y = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const l = logisticRegressionLoss(x, y, tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([3]) as tf.Tensor1D, 0);
    expect(l.dataSync()[0]).toBeCloseTo(Math.log(3), 6);
    tf.dispose([x, y, l]);
  });
});

describe("LogisticRegression", () => {
  it("reaches 100% on separable blobs (L-BFGS and Adam)", () => {
    const centres = [[0, 0, 0, 0], [6, 0, 0, 0], [0, 6, 0, 0], [0, 0, 6, 0]];
    const { data, labels, n, d } = blobs(centres, 50, 0.7, 1);
    const x = tf.tensor2d(data, [n, d]);
    const lb = new LogisticRegression().fit(x, labels, { l2: 1e-4 });
    expect(lb.accuracy(x, labels)).toBe(1);
    expect(lb.numClasses).toBe(4);
    expect(lb.fitInfo?.solver).toBe("lbfgs");
    const ad = new LogisticRegression().fit(x, labels, { solver: "adam", epochs: 30, batchSize: 32, learningRate: 0.05, seed: 1 });
    expect(ad.accuracy(x, labels)).toBe(1);
    expect(ad.fitInfo?.iterations).toBe(30 * Math.ceil(n / 32));
    const p = lb.predictProba(x);
    const sums = tf.sum(p, 1).dataSync();
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
    tf.dispose([x, p]);
    lb.dispose();
    ad.dispose();
  });

  it("recovers a known solution: P(class 1 | x = +1) = 3/4", () => {
    // x = +1: labels 1,1,1,0; x = -1: labels 0,0,0,1. The unregularised optimum has
    // logit difference log(3) * x, i.e. P(1 | +1) = 0.75 and P(1 | -1) = 0.25.
    const x = tf.tensor2d([[1], [1], [1], [1], [-1], [-1], [-1], [-1]]);
    const labels = [1, 1, 1, 0, 0, 0, 0, 1];
    for (const standardize of [true, false]) {
      const lr = new LogisticRegression().fit(x, labels, { l2: 0, standardize, gradientTolerance: 1e-7 });
      const p = lr.predictProba(tf.tensor2d([[1], [-1]])).arraySync();
      expect(p[0][1]).toBeCloseTo(0.75, 4);
      expect(p[1][1]).toBeCloseTo(0.25, 4);
      // minimum of the objective: the entropy of the conditional labels
      const h = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
      expect(lr.fitInfo!.loss).toBeCloseTo(h, 5);
      lr.dispose();
    }
    x.dispose();
  });

  it("L2 shrinks the weights and satisfies the stationarity condition X^T (P - Y) / n + l2 W = 0", () => {
    const centres = [[0, 0], [2, 0], [0, 2]];
    const { data, labels, n, d } = blobs(centres, 20, 1, 3);
    const x = tf.tensor2d(data, [n, d]);
    const weak = new LogisticRegression().fit(x, labels, { l2: 1e-3, standardize: false });
    const strong = new LogisticRegression().fit(x, labels, { l2: 1, standardize: false });
    const nw = tf.norm(weak.weights()).dataSync()[0];
    const ns = tf.norm(strong.weights()).dataSync()[0];
    expect(ns).toBeLessThan(nw / 2);
    const residual = tf.tidy(() => {
      const p = strong.predictProba(x);
      const y = tf.oneHot(tf.tensor1d(labels, "int32"), 3).toFloat();
      const g = tf.add(tf.div(tf.matMul(x, tf.sub(p, y), true, false), n), tf.mul(1, strong.weights()));
      return tf.max(tf.abs(g)).dataSync()[0];
    });
    expect(residual).toBeLessThan(1e-4);
    expect(strong.fitInfo!.reason).toBe("gradientTolerance");
    x.dispose();
    weak.dispose();
    strong.dispose();
  });

  it("standardises with the training statistics at predict time", () => {
    // Feature scaled by 1000: standardised and unstandardised fits give the same predictions.
    const { data, labels, n, d } = blobs([[0, 0], [3000, 0]], 20, 500, 4);
    const x = tf.tensor2d(data, [n, d]);
    const lr = new LogisticRegression().fit(x, labels);
    expect(lr.accuracy(x, labels)).toBeGreaterThan(0.95);
    const shifted = tf.tensor2d([[2900, 0], [100, 0]]);
    expect(Array.from(lr.predict(shifted))).toEqual([1, 0]);
    tf.dispose([x, shifted]);
    lr.dispose();
  });

  it("rejects bad input with named arguments", () => {
    const x = tf.zeros([3, 2]) as tf.Tensor2D;
    const lr = new LogisticRegression();
    expect(() => lr.predict(x)).toThrow(/not fitted/);
    expect(() => lr.fit(x, [0, 1])).toThrow(/'labels' must have one entry per row of x \(3\), got length 2/);
    expect(() => lr.fit(x, [0, 1.5, 1])).toThrow(/non-negative integers, got 1.5/);
    expect(() => lr.fit(x, [0, 1, 3], { numClasses: 3 })).toThrow(/\[0, 2\].*got label 3/);
    expect(() => lr.fit(x, [0, 1, 1], { l2: -1 })).toThrow(SparsekitError);
    expect(() => lr.fit(x, [0, 1, 1], { lambda: 1 } as never)).toThrow(/unknown option 'lambda'/);
    lr.fit(x, [0, 1, 1], { maxIterations: 2 });
    expect(() => lr.accuracy(tf.zeros([3, 5]) as tf.Tensor2D, [0, 1, 1])).toThrow(/must have 2 columns/);
    x.dispose();
    lr.dispose();
  });
});
