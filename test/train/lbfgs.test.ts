import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { beforeAll, describe, expect, it } from "vitest";
import { createLbfgsMemory, minimizeLbfgs, type LbfgsIterationInfo } from "../../src/train/lbfgs.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Chained Rosenbrock: sum_i 100 (w_{i+1} - w_i^2)^2 + (1 - w_i)^2, minimum at all-ones. */
function rosenbrock(w: tf.Variable): () => tf.Scalar {
  const n = w.size;
  return () =>
    tf.tidy(() => {
      const a = tf.slice(w, 0, n - 1);
      const b = tf.slice(w, 1, n - 1);
      return tf.add(tf.mul(100, tf.sum(tf.square(tf.sub(b, tf.square(a))))), tf.sum(tf.square(tf.sub(1, a)))) as tf.Scalar;
    });
}

function gaussians(rng: () => number, count: number): number[] {
  const out: number[] = [];
  while (out.length < count) {
    const u = 1 - rng();
    const v = rng();
    out.push(Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
  return out;
}

/** Solves the symmetric positive definite system M z = r in float64 (Cholesky). */
function solveSpd(M: number[][], r: number[]): number[] {
  const n = r.length;
  const L = M.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = M[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = i === j ? Math.sqrt(s) : s / L[j][j];
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = r[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * z[k];
    z[i] = s / L[i][i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= L[k][i] * z[k];
    z[i] = s / L[i][i];
  }
  return z;
}

describe("minimizeLbfgs", () => {
  it.each([
    [2, 1e-6],
    [10, 1e-6],
    [10, 0],
  ])("minimises the %i-D Rosenbrock function from (-1.2, 1, ...) to all-ones (lossNoise %s)", (n, lossNoise) => {
    const w = tf.variable(tf.tensor1d(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1))));
    const r = minimizeLbfgs(rosenbrock(w), [w], { maxIterations: 500, lossNoise });
    expect(r.converged).toBe(true);
    expect(["gradientTolerance", "functionTolerance"]).toContain(r.reason);
    for (const v of w.dataSync()) expect(Math.abs(v - 1)).toBeLessThan(1e-4);
    expect(r.loss).toBeLessThan(1e-8);
    // The variables hold the point whose loss is reported.
    expect(rosenbrock(w)().dataSync()[0]).toBe(r.loss);
    expect(r.history.length).toBe(r.iterations + 1);
    expect(r.history[r.iterations]).toBe(r.loss);
    for (let k = 1; k < r.history.length; k++) expect(r.history[k]).toBeLessThan(r.history[k - 1]);
    // L-BFGS, not gradient descent: well under the thousands of steps GD needs here.
    expect(r.iterations).toBeLessThan(150);
    w.dispose();
  });

  it("matches the closed-form least-squares solution (50 x 10, normal equations in float64)", () => {
    const rng = seedrandom("lbfgs-least-squares");
    const m = 50;
    const n = 10;
    // Round to float32 first so the test and the tensors see the same A and b.
    const A = Array.from({ length: m }, () => gaussians(rng, n).map(Math.fround));
    const wTrue = gaussians(rng, n);
    const noise = gaussians(rng, m);
    const b = A.map((row, i) => Math.fround(row.reduce((s, a, j) => s + a * wTrue[j], 0) + 0.3 * noise[i]));
    const AtA = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => A.reduce((s, row) => s + row[i] * row[j], 0)));
    const Atb = Array.from({ length: n }, (_, i) => A.reduce((s, row, k) => s + row[i] * b[k], 0));
    const wStar = solveSpd(AtA, Atb);

    const At = tf.tensor2d(A);
    const bt = tf.tensor1d(b);
    // Two variables of different shapes exercise the flattening: w = [w1 (2x2, row-major); w2 (6)].
    const w1 = tf.variable(tf.zeros([2, 2]));
    const w2 = tf.variable(tf.zeros([6]));
    const loss = () =>
      tf.tidy(() => {
        const w = tf.concat([tf.reshape(w1, [-1]), w2]);
        return tf.sum(tf.square(tf.sub(tf.squeeze(tf.matMul(At, tf.reshape(w, [n, 1]))), bt))) as tf.Scalar;
      });
    const r = minimizeLbfgs(loss, [w1, w2]);
    const w = [...w1.dataSync(), ...w2.dataSync()];
    const err = Math.hypot(...w.map((v, i) => v - wStar[i])) / Math.hypot(...wStar);
    expect(err).toBeLessThan(1e-4);
    expect(r.iterations).toBeLessThan(60);
    tf.dispose([At, bt, w1, w2]);
  });

  it("reaches a lower logistic-regression loss than 200 steps of gradient descent", () => {
    const rng = seedrandom("lbfgs-logistic");
    const N = 200;
    const D = 5;
    const direction = gaussians(rng, D);
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < N; i++) {
      const x = gaussians(rng, D);
      const margin = x.reduce((s, v, j) => s + v * direction[j], 0);
      X.push(x);
      y.push(margin + 0.5 * gaussians(rng, 1)[0] > 0 ? 1 : 0); // separable-ish: some label noise
    }
    const Xt = tf.tensor2d(X);
    const yt = tf.tensor2d(y, [N, 1]);
    const makeLoss = (w: tf.Variable, bias: tf.Variable) => () =>
      tf.tidy(() => {
        const logits = tf.add(tf.matMul(Xt, w), bias);
        const ce = tf.mean(tf.sub(tf.softplus(logits), tf.mul(yt, logits)));
        return tf.add(ce, tf.mul(5e-4, tf.sum(tf.square(w)))) as tf.Scalar;
      });

    // Gradient descent with step 1/L, L = max eigenvalue bound of the Hessian (||X||_F^2 / (4N) + 1e-3).
    const wGd = tf.variable(tf.zeros([D, 1]));
    const bGd = tf.variable(tf.zeros([1]));
    const gdLoss = makeLoss(wGd, bGd);
    const L = X.flat().reduce((s, v) => s + v * v, 0) / (4 * N) + 1e-3;
    const sgd = tf.train.sgd(1 / L);
    for (let k = 0; k < 200; k++) sgd.minimize(gdLoss, false, [wGd, bGd]);
    const gdFinal = gdLoss().dataSync()[0];

    const w = tf.variable(tf.zeros([D, 1]));
    const bias = tf.variable(tf.zeros([1]));
    const r = minimizeLbfgs(makeLoss(w, bias), [w, bias], { maxIterations: 100 });
    expect(r.loss).toBeLessThan(gdFinal - 1e-4);
    expect(r.evaluations).toBeLessThan(200);
    expect(r.converged).toBe(true);
    tf.dispose([Xt, yt, wGd, bGd, w, bias]);
    sgd.dispose();
  });

  it("lets the iteration callback stop early and reports every iteration to it", () => {
    const w = tf.variable(tf.tensor1d([-1.2, 1]));
    const seen: LbfgsIterationInfo[] = [];
    const r = minimizeLbfgs(rosenbrock(w), [w], {
      onIteration: (info) => {
        seen.push(info);
        return info.iteration === 3 ? "stop" : undefined;
      },
    });
    expect(r).toMatchObject({ iterations: 3, converged: false, reason: "callback" });
    expect(seen.map((s) => s.iteration)).toEqual([1, 2, 3]);
    expect(seen.map((s) => s.loss)).toEqual(r.history.slice(1));
    expect(seen[2].evaluations).toBe(r.evaluations);
    for (const s of seen) {
      expect(s.step).toBeGreaterThan(0);
      expect(s.gradNorm).toBeGreaterThan(0);
    }
    expect(rosenbrock(w)().dataSync()[0]).toBe(r.loss);
    w.dispose();
  });

  it("backtracks when a trial step makes the loss non-finite", () => {
    // Barrier term: NaN for w >= 1. The scaled first step (length 1) from 0.5 lands beyond it.
    const w = tf.variable(tf.fill([3], 0.5));
    const loss = () =>
      tf.tidy(() => tf.sub(tf.sum(tf.square(tf.sub(w, 0.9))), tf.mul(0.05, tf.sum(tf.log(tf.sub(1, w))))) as tf.Scalar);
    const trials: number[] = [];
    const r = minimizeLbfgs(
      () => {
        const l = loss();
        trials.push(tf.max(w).dataSync()[0]);
        return l;
      },
      [w],
    );
    expect(trials.some((t) => t >= 1)).toBe(true);
    expect(r.converged).toBe(true);
    // Stationary point of (w - 0.9)^2 - 0.05 log(1 - w): 2 (w - 0.9) + 0.05 / (1 - w) = 0,
    // i.e. w^2 - 1.9 w + 0.875 = 0, smaller root.
    const wStar = (1.9 - Math.sqrt(1.9 * 1.9 - 4 * 0.875)) / 2;
    for (const v of w.dataSync()) expect(v).toBeCloseTo(wStar, 4);
    w.dispose();
  });

  it("leaks no tensors: numTensors is stable across iterations and restored at the end", () => {
    const rng = seedrandom("lbfgs-leak");
    const X = tf.tensor2d(gaussians(rng, 40 * 6), [40, 6]);
    const W = tf.variable(tf.tensor2d(gaussians(rng, 6 * 3), [6, 3]));
    const unused = tf.variable(tf.ones([2])); // no gradient path: gets a zero gradient, stays put
    const loss = () => tf.tidy(() => tf.mean(tf.square(tf.sub(tf.sigmoid(tf.matMul(X, W)), 0.2))) as tf.Scalar);
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const r = minimizeLbfgs(loss, [W, unused], {
      maxIterations: 15,
      gradientTolerance: 0,
      onIteration: () => {
        counts.push(tf.memory().numTensors);
      },
    });
    expect(r.iterations).toBe(15);
    expect(counts.length).toBe(15);
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBe(before);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(unused.dataSync())).toEqual([1, 1]);
    tf.dispose([X, W, unused]);
  });

  it("continues exactly where it stopped when successive short calls share one memory", () => {
    const start = [-1.2, 1, -1.2, 1];
    const whole = tf.variable(tf.tensor1d(start));
    const rWhole = minimizeLbfgs(rosenbrock(whole), [whole], { maxIterations: 40, functionTolerance: 0 });
    const pieces = tf.variable(tf.tensor1d(start));
    const memory = createLbfgsMemory();
    const losses: number[] = [];
    for (let i = 0; i < 8; i++) losses.push(...minimizeLbfgs(rosenbrock(pieces), [pieces], { maxIterations: 5, functionTolerance: 0, memory }).history.slice(i === 0 ? 0 : 1));
    expect(Array.from(pieces.dataSync())).toEqual(Array.from(whole.dataSync()));
    expect(losses).toEqual(rWhole.history);
    expect(memory.S.length).toBe(10);
    // Without the memory, restarts from steepest descent every 5 iterations fall behind.
    const restarted = tf.variable(tf.tensor1d(start));
    let last = 0;
    for (let i = 0; i < 8; i++) last = minimizeLbfgs(rosenbrock(restarted), [restarted], { maxIterations: 5, functionTolerance: 0 }).loss;
    expect(last).toBeGreaterThan(rWhole.loss);
    const small = tf.variable(tf.tensor1d([0, 0]));
    expect(() => minimizeLbfgs(rosenbrock(small), [small], { memory })).toThrow(/option 'memory' holds pairs of 4 values, the variables have 2/);
    tf.dispose([whole, pieces, restarted, small]);
  });

  it("respects maxIterations = 0 and maxEvaluations", () => {
    const w = tf.variable(tf.tensor1d([-1.2, 1]));
    const r0 = minimizeLbfgs(rosenbrock(w), [w], { maxIterations: 0 });
    expect(r0).toMatchObject({ iterations: 0, evaluations: 1, reason: "maxIterations", converged: false });
    expect(r0.history).toEqual([r0.loss]);
    expect(Array.from(w.dataSync())).toEqual([Math.fround(-1.2), 1]);
    const r = minimizeLbfgs(rosenbrock(w), [w], { maxEvaluations: 12 });
    expect(r.evaluations).toBeLessThanOrEqual(12);
    expect(r.reason).toBe("maxEvaluations");
    expect(rosenbrock(w)().dataSync()[0]).toBe(r.loss);
    w.dispose();
  });

  it("moves the encoder of a KL sparse autoencoder (rho = 0.01) from its random start", () => {
    // Small 16-8-16 sigmoid autoencoder with the SPEC §1.2 cost; checks the optimiser makes progress
    // on the problem it exists for.
    const rng = seedrandom("lbfgs-sae");
    const B = 100;
    const X = tf.tensor2d(gaussians(rng, B * 16).map((v) => 0.5 + 0.1 * Math.max(-3, Math.min(3, v))), [B, 16]);
    const r0 = Math.sqrt(6 / (16 + 8 + 1));
    const W1 = tf.variable(tf.tensor2d(Array.from({ length: 16 * 8 }, () => (2 * rng() - 1) * r0), [16, 8]));
    const b1 = tf.variable(tf.zeros([8]));
    const W2 = tf.variable(tf.tensor2d(Array.from({ length: 8 * 16 }, () => (2 * rng() - 1) * r0), [8, 16]));
    const b2 = tf.variable(tf.zeros([16]));
    const W10 = W1.clone();
    const rho = 0.01;
    const loss = () =>
      tf.tidy(() => {
        const h = tf.sigmoid(tf.add(tf.matMul(X, W1), b1));
        const xHat = tf.sigmoid(tf.add(tf.matMul(h, W2), b2));
        const rec = tf.div(tf.sum(tf.square(tf.sub(xHat, X))), 2 * B);
        const decay = tf.mul(0.5e-4, tf.add(tf.sum(tf.square(W1)), tf.sum(tf.square(W2))));
        const rhoHat = tf.clipByValue(tf.mean(h, 0), 1e-6, 1 - 1e-6);
        const kl = tf.sum(
          tf.add(tf.mul(rho, tf.log(tf.div(rho, rhoHat))), tf.mul(1 - rho, tf.log(tf.div(1 - rho, tf.sub(1, rhoHat))))),
        );
        return tf.add(tf.add(rec, decay), tf.mul(3, kl)) as tf.Scalar;
      });
    const r = minimizeLbfgs(loss, [W1, b1, W2, b2], { maxIterations: 60 });
    expect(r.loss).toBeLessThan(0.2 * r.history[0]);
    const change = tf.tidy(() => tf.div(tf.norm(tf.sub(W1, W10)), tf.norm(W10)).dataSync()[0]);
    expect(change).toBeGreaterThan(0.1);
    tf.dispose([X, W1, b1, W2, b2, W10]);
  });

  describe("input checks", () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const loss = () => tf.sum(tf.square(w)) as tf.Scalar;

    it("rejects bad options with messages naming the option", () => {
      expect(() => minimizeLbfgs(loss, [w], { maxIterations: -1 })).toThrow(
        /minimizeLbfgs: option 'maxIterations' must be an integer, >= 0, got -1/,
      );
      expect(() => minimizeLbfgs(loss, [w], { lineSearch: { c1: 0.9, c2: 0.5 } })).toThrow(
        /minimizeLbfgs: options 'lineSearch.c1' and 'lineSearch.c2' must satisfy 0 < c1 < c2 < 1, got c1 = 0.9, c2 = 0.5/,
      );
      expect(() => minimizeLbfgs(loss, [w], { lineSearch: { c1: 0.5, c2: 0.5 } })).toThrow(SparsekitError);
      expect(() => minimizeLbfgs(loss, [w], { historySize: 0 })).toThrow(/'historySize' must be an integer, >= 1, got 0/);
      expect(() => minimizeLbfgs(loss, [w], { gradientTolerance: NaN })).toThrow(/'gradientTolerance'/);
      expect(() => minimizeLbfgs(loss, [w], { maxEvaluations: 0 })).toThrow(/'maxEvaluations'/);
      expect(() => minimizeLbfgs(loss, [w], { lossNoise: -1e-6 })).toThrow(/'lossNoise' must be a finite number, >= 0/);
      expect(() => minimizeLbfgs(loss, [w], { lineSearch: { valueNoise: 1 } } as never)).toThrow(/unknown option 'lineSearch.valueNoise'; set the relative 'lossNoise'/);
      expect(() => minimizeLbfgs(loss, [w], { lineSearch: { maxSteps: 1.5 } })).toThrow(/'lineSearch.maxSteps'/);
      expect(() => minimizeLbfgs(loss, [w], { maxIter: 5 } as never)).toThrow(/unknown option 'maxIter'/);
      expect(() => minimizeLbfgs(loss, [w], { onIteration: 3 } as never)).toThrow(/'onIteration' must be a function/);
    });

    it("rejects missing or unusable variables", () => {
      expect(() => minimizeLbfgs(loss, [])).toThrow(
        new SparsekitError("minimizeLbfgs: argument 'variables' must be a non-empty array of tf.Variable, got an empty array."),
      );
      expect(() => minimizeLbfgs(loss, undefined as never)).toThrow(/'variables' must be a non-empty array.*got undefined/);
      const plain = tf.tensor1d([1]);
      expect(() => minimizeLbfgs(loss, [plain as never])).toThrow(/'variables\[0\]' must be a tf.Variable, got a plain tf.Tensor/);
      expect(() => minimizeLbfgs(loss, [w, w])).toThrow(/'variables\[1\]'.*appears more than once/);
      const frozen = tf.variable(tf.tensor1d([1]), false);
      expect(() => minimizeLbfgs(loss, [frozen])).toThrow(/'variables\[0\]'.*must be trainable/);
      const ints = tf.variable(tf.tensor1d([1], "int32"));
      expect(() => minimizeLbfgs(loss, [ints])).toThrow(/dtype float32, got int32/);
      tf.dispose([plain, frozen, ints]);
    });

    it("rejects a loss that is not a finite float32 scalar of the variables", () => {
      const before = tf.memory().numTensors;
      expect(() => minimizeLbfgs(() => tf.square(w) as never, [w])).toThrow(
        /'lossFn' must return a scalar \(rank 0\) tensor, got shape \[2\]/,
      );
      expect(() => minimizeLbfgs(() => 3 as never, [w])).toThrow(/'lossFn' must return a scalar tf.Tensor, got number/);
      expect(() => minimizeLbfgs(() => tf.cast(tf.sum(w), "int32") as tf.Scalar, [w])).toThrow(/float32 scalar, got dtype int32/);
      expect(() => minimizeLbfgs(() => tf.scalar(1), [w])).toThrow(/does not depend on any of 'variables'/);
      expect(() => minimizeLbfgs(() => tf.log(tf.sub(tf.sum(w), 10)) as tf.Scalar, [w])).toThrow(
        /the loss at the starting point must be finite, got NaN/,
      );
      expect(() => minimizeLbfgs("loss" as never, [w])).toThrow(/'lossFn' must be a function/);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
