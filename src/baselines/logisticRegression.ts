// Shared baseline (issue 5): the linear probe of the OVR-Encoder pipeline and of any experiment
// that scores codes by a linear classifier. Written early so others can build on it.
import * as tf from "@tensorflow/tfjs";
import { FusedAdamOptimizer } from "../train/FusedAdamOptimizer.js";
import { createRng } from "../random/index.js";
import { minimizeLbfgs, type LbfgsStopReason } from "../train/lbfgs.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBooleanOption, assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { checkCodes, shapeString } from "../validation/tensorChecks.js";

export interface LogisticRegressionFitOptions {
  /** L2 weight lambda of (lambda / 2) ||W||_F^2 (the bias is not penalised), >= 0. Default 1e-4. */
  l2?: number;
  /** "lbfgs" (full batch, default) or "adam" (minibatches, for inputs too large for full batch). */
  solver?: "lbfgs" | "adam";
  /** L-BFGS: most iterations, integer >= 1. Default 200. */
  maxIterations?: number;
  /** L-BFGS: stop when max |gradient| <= this, >= 0. Default 1e-5. */
  gradientTolerance?: number;
  /** Number of classes C (default: largest label + 1, at least 2). */
  numClasses?: number;
  /** Z-score every feature with the training mean and std before fitting (default true). */
  standardize?: boolean;
  /** Adam: epochs, integer >= 1. Default 20. */
  epochs?: number;
  /** Adam: minibatch size, integer >= 1. Default 256. */
  batchSize?: number;
  /** Adam: learning rate, > 0. Default 1e-2. */
  learningRate?: number;
  /** Adam: shuffling seed. Default 0. */
  seed?: number;
}

export interface LogisticRegressionFitInfo {
  solver: "lbfgs" | "adam";
  /** Training objective (mean cross-entropy + L2 term) at the end. */
  loss: number;
  /** L-BFGS iterations, or Adam steps. */
  iterations: number;
  /** L-BFGS stop reason, or "epochs" for Adam. */
  reason: LbfgsStopReason | "epochs";
}

const FIT_KNOWN = [
  "l2",
  "solver",
  "maxIterations",
  "gradientTolerance",
  "numClasses",
  "standardize",
  "epochs",
  "batchSize",
  "learningRate",
  "seed",
] as const;

/**
 * Objective of multinomial logistic regression (softmax regression), SPEC.md §5.4:
 * `J(W, b) = (1/n) sum_i [logsumexp(x_i W + b) - <y_i, x_i W + b>] + (l2 / 2) ||W||_F^2`
 * for x [n, d], one-hot (or probability) targets y [n, C], W [d, C], b [C]. Scalar, >= 0.
 * No input checks (called in inner loops); {@link LogisticRegression.fit} validates.
 */
export function logisticRegressionLoss(x: tf.Tensor2D, y: tf.Tensor2D, weights: tf.Tensor2D, bias: tf.Tensor1D, l2: number): tf.Scalar {
  return tf.tidy(() => {
    const logits = tf.add(tf.matMul(x, weights), bias);
    const ce = tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(y, logits), 1)));
    return (l2 > 0 ? tf.add(ce, tf.mul(l2 / 2, tf.sum(tf.square(weights)))) : ce) as tf.Scalar;
  });
}

/**
 * Multinomial logistic regression with L2 weight decay: the linear probe that scores codes in
 * the OVR-Encoder pipeline (SPEC.md §5.4). Minimises {@link logisticRegressionLoss} from W = 0,
 * b = 0 (the problem is convex, so the result does not depend on a seed), by full-batch L-BFGS
 * (src/train/lbfgs.ts, default) or by minibatch Adam. With `standardize` (default) each feature
 * is z-scored with the training mean and standard deviation (constant features are only
 * centred), so one l2 value means the same for pixels, PCA scores and sparse codes.
 *
 * Usage: `const lr = new LogisticRegression().fit(x, labels, { l2: 1e-4 }); lr.accuracy(xt, lt); lr.dispose();`
 */
export class LogisticRegression {
  private w: tf.Variable | undefined;
  private b: tf.Variable | undefined;
  private mu: tf.Tensor2D | undefined;
  private sigma: tf.Tensor2D | undefined;
  /** How the last fit ended (undefined before fit). */
  fitInfo: LogisticRegressionFitInfo | undefined;

  /** Number of classes of the fitted model (0 before fit). */
  get numClasses(): number {
    return this.w?.shape[1] ?? 0;
  }

  /** The fitted weights [d, C] (on standardised features when `standardize` was on); caller disposes the copy. */
  weights(): tf.Tensor2D {
    return this.fitted("LogisticRegression.weights").w.clone() as tf.Tensor2D;
  }

  /** The fitted bias [C]; caller disposes the copy. */
  bias(): tf.Tensor1D {
    return this.fitted("LogisticRegression.bias").b.clone() as tf.Tensor1D;
  }

  /**
   * Fits to x [n, d] (float32, finite) and integer labels [n] in [0, C). Refitting replaces the
   * previous model. Returns this.
   */
  fit(x: tf.Tensor2D, labels: ArrayLike<number>, options: LogisticRegressionFitOptions = {}): this {
    const where = "LogisticRegression.fit";
    checkCodes(x, where, "x", { rank: 2, meaning: "n x d: one sample per row" });
    assertKnownOptions(options, where, FIT_KNOWN);
    const [n, d] = x.shape;
    const lab = readLabels(labels, n, where);
    const l2 = options.l2 ?? 1e-4;
    assertNumberOption(l2, where, "l2", { min: 0 });
    const solver = options.solver ?? "lbfgs";
    assertEnumOption(solver, where, "solver", ["lbfgs", "adam"] as const);
    const maxIterations = options.maxIterations ?? 200;
    assertNumberOption(maxIterations, where, "maxIterations", { integer: true, min: 1 });
    const gradientTolerance = options.gradientTolerance ?? 1e-5;
    assertNumberOption(gradientTolerance, where, "gradientTolerance", { min: 0 });
    let maxLabel = 0;
    for (const c of lab) if (c > maxLabel) maxLabel = c;
    const numClasses = options.numClasses ?? Math.max(2, maxLabel + 1);
    assertNumberOption(numClasses, where, "numClasses", { integer: true, min: 2 });
    if (maxLabel >= numClasses) {
      throw new SparsekitError(`${where}: argument 'labels' must lie in [0, ${numClasses - 1}] (numClasses = ${numClasses}), got label ${maxLabel}.`);
    }
    const standardize = options.standardize ?? true;
    assertBooleanOption(standardize, where, "standardize");
    const epochs = options.epochs ?? 20;
    assertNumberOption(epochs, where, "epochs", { integer: true, min: 1 });
    const batchSize = options.batchSize ?? 256;
    assertNumberOption(batchSize, where, "batchSize", { integer: true, min: 1 });
    const learningRate = options.learningRate ?? 1e-2;
    assertNumberOption(learningRate, where, "learningRate", { min: 0, exclusiveMin: true });
    const seed = options.seed ?? 0;
    assertNumberOption(seed, where, "seed", { integer: true });

    this.dispose();
    if (standardize) {
      [this.mu, this.sigma] = tf.tidy(() => {
        const { mean, variance } = tf.moments(x, 0, true);
        const v = variance.dataSync() as Float32Array;
        const s = new Float32Array(d);
        for (let j = 0; j < d; j++) s[j] = v[j] > 1e-12 ? Math.sqrt(v[j]) : 1;
        return [mean as tf.Tensor2D, tf.tensor2d(s, [1, d])];
      });
    }
    // tidy frees the zeros; the variables (never tracked by tidy) keep their own copies.
    [this.w, this.b] = tf.tidy(() => [tf.variable(tf.zeros([d, numClasses]), true), tf.variable(tf.zeros([numClasses]), true)]);
    const w = this.w as unknown as tf.Tensor2D;
    const b = this.b as unknown as tf.Tensor1D;
    const xs = this.prepare(x);
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(lab, "int32"), numClasses), "float32")) as tf.Tensor2D;
    try {
      if (solver === "lbfgs") {
        // x^T is kept so the weight gradient is a plain matMul: wasm's transposed matMul costs
        // ~2x more, and these two products over x are the whole cost of an evaluation.
        const xsT = tf.transpose(xs) as tf.Tensor2D;
        const linear = tf.customGrad(((wt: tf.Tensor) => ({
          value: tf.matMul(xs, wt as tf.Tensor2D),
          gradFunc: (dy: tf.Tensor) => tf.matMul(xsT, dy as tf.Tensor2D),
        })) as unknown as Parameters<typeof tf.customGrad>[0]);
        try {
          const r = minimizeLbfgs(
            () =>
              tf.tidy(() => {
                const logits = tf.add(linear(w), b);
                const ce = tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(y, logits), 1)));
                return (l2 > 0 ? tf.add(ce, tf.mul(l2 / 2, tf.sum(tf.square(w)))) : ce) as tf.Scalar;
              }),
            [this.w, this.b],
            { maxIterations, gradientTolerance },
          );
          this.fitInfo = { solver, loss: r.loss, iterations: r.iterations, reason: r.reason };
        } finally {
          xsT.dispose();
        }
      } else {
        const opt = new FusedAdamOptimizer(learningRate);
        const rng = createRng(seed, where);
        let steps = 0;
        try {
          for (let e = 0; e < epochs; e++) {
            const perm = rng.permutation(n);
            for (let start = 0; start < n; start += batchSize) {
              const idx = perm.slice(start, Math.min(n, start + batchSize));
              tf.tidy(() => {
                const ix = tf.tensor1d(idx, "int32");
                const xb = tf.gather(xs, ix) as tf.Tensor2D;
                const yb = tf.gather(y, ix) as tf.Tensor2D;
                opt.minimize(() => logisticRegressionLoss(xb, yb, w, b, l2), false, [this.w!, this.b!]);
              });
              steps++;
            }
          }
        } finally {
          opt.dispose();
        }
        const loss = tf.tidy(() => logisticRegressionLoss(xs, y, w, b, l2).dataSync()[0]);
        this.fitInfo = { solver, loss, iterations: steps, reason: "epochs" };
      }
    } finally {
      if (xs !== x) xs.dispose();
      y.dispose();
    }
    return this;
  }

  /** Class probabilities softmax(x W + b) [n, C] for x [n, d]; caller disposes. */
  predictProba(x: tf.Tensor2D): tf.Tensor2D {
    const where = "LogisticRegression.predictProba";
    const { w, b } = this.fitted(where);
    this.checkInput(x, where);
    return tf.tidy(() => {
      const xs = this.prepare(x);
      return tf.softmax(tf.add(tf.matMul(xs, w as unknown as tf.Tensor2D), b)) as tf.Tensor2D;
    });
  }

  /** Most probable class of each row of x [n, d]. */
  predict(x: tf.Tensor2D): Int32Array {
    const where = "LogisticRegression.predict";
    const { w, b } = this.fitted(where);
    this.checkInput(x, where);
    const idx = tf.tidy(() => tf.argMax(tf.add(tf.matMul(this.prepare(x), w as unknown as tf.Tensor2D), b), 1));
    const out = Int32Array.from(idx.dataSync() as Int32Array);
    idx.dispose();
    return out;
  }

  /** Fraction of rows of x [n, d] whose predicted class equals the label, in [0, 1]. */
  accuracy(x: tf.Tensor2D, labels: ArrayLike<number>): number {
    const where = "LogisticRegression.accuracy";
    this.fitted(where);
    this.checkInput(x, where);
    const lab = readLabels(labels, x.shape[0], where);
    const pred = this.predict(x);
    let hits = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === lab[i]) hits++;
    return hits / pred.length;
  }

  /** Frees the fitted tensors. */
  dispose(): void {
    this.w?.dispose();
    this.b?.dispose();
    this.mu?.dispose();
    this.sigma?.dispose();
    this.w = this.b = this.mu = this.sigma = undefined;
  }

  private prepare(x: tf.Tensor2D): tf.Tensor2D {
    if (!this.mu || !this.sigma) return x;
    const mu = this.mu;
    const sigma = this.sigma;
    return tf.tidy(() => tf.div(tf.sub(x, mu), sigma) as tf.Tensor2D);
  }

  private fitted(where: string): { w: tf.Variable; b: tf.Variable } {
    if (!this.w || !this.b) throw new SparsekitError(`${where}: the model is not fitted; call fit(x, labels) first.`);
    return { w: this.w, b: this.b };
  }

  private checkInput(x: tf.Tensor2D, where: string): void {
    checkCodes(x, where, "x", { rank: 2, meaning: "n x d: one sample per row" });
    const d = this.w!.shape[0];
    if (x.shape[1] !== d) {
      throw new SparsekitError(`${where}: argument 'x' must have ${d} columns (as in fit), got shape ${shapeString(x.shape)}.`);
    }
  }
}

/** Labels as Int32Array of length n with non-negative integers. */
function readLabels(labels: ArrayLike<number>, n: number, where: string): Int32Array {
  if (labels instanceof tf.Tensor) {
    throw new SparsekitError(`${where}: argument 'labels' must be an array (e.g. Int32Array) of class indices, got a tf.Tensor (pass its dataSync()).`);
  }
  if (labels === null || typeof labels !== "object" || typeof (labels as ArrayLike<number>).length !== "number") {
    throw new SparsekitError(`${where}: argument 'labels' must be an array (e.g. Int32Array) of class indices, got ${labels === null ? "null" : typeof labels}.`);
  }
  if (labels.length !== n) {
    throw new SparsekitError(`${where}: argument 'labels' must have one entry per row of x (${n}), got length ${labels.length}.`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0) {
      throw new SparsekitError(`${where}: argument 'labels' must hold non-negative integers, got ${String(c)} at index ${i}.`);
    }
    out[i] = c;
  }
  return out;
}
