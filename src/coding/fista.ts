import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBooleanOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { checkCodingInputs } from "./checkCodingInputs.js";
import { sparseCodingEnergy } from "./sparseCodingEnergy.js";
import { softThreshold } from "./threshold.js";

export interface FistaOptions {
  /** Weight of the L1 penalty, >= 0. */
  lambda: number;
  /** Maximum iterations. Default 500. */
  iterations?: number;
  /**
   * Stop when max |a_k - a_{k-1}| <= tolerance * max(1, max |a_k|) (checked every 10 iterations).
   * Default 1e-6; 0 runs every iteration.
   */
  tolerance?: number;
  /** Record the batch-mean energy after every iteration. Default false. */
  recordEnergy?: boolean;
}

export interface FistaResult {
  /** B x M codes (caller disposes). */
  codes: tf.Tensor2D;
  /** Iterations run. */
  iterations: number;
  /** Step size 1/L used (L = largest eigenvalue of Phi^T Phi). */
  stepSize: number;
  energy?: number[];
}

/** Largest eigenvalue of Phi^T Phi (the Lipschitz constant of the smooth part) by power iteration. */
export function lipschitzConstant(phi: tf.Tensor2D, iterations = 100): number {
  return tf.tidy(() => {
    const gram = tf.matMul(phi, phi, true, false);
    let v: tf.Tensor2D = tf.div(tf.ones([phi.shape[1], 1]), Math.sqrt(phi.shape[1]));
    let value = 0;
    for (let i = 0; i < iterations; i++) {
      const w = tf.matMul(gram, v);
      const norm = tf.norm(w);
      value = norm.dataSync()[0]!;
      if (value === 0) return 0;
      v = tf.div(w, norm) as tf.Tensor2D;
    }
    // Rayleigh quotient of the final vector; 1% headroom keeps the step safe if power iteration undershoots.
    return tf.sum(tf.mul(v, tf.matMul(gram, v))).dataSync()[0]! * 1.01;
  });
}

/**
 * FISTA (Beck & Teboulle 2009) for the lasso form of sparse coding, batched over the rows of x:
 * minimises `(1/B) sum_i 1/2 ||x_i - Phi a_i||^2 + lambda ||a_i||_1` with
 * `a_k = S_{lambda/L}(y_k - (1/L)(y_k Phi^T Phi - x Phi))`, `t_{k+1} = (1 + sqrt(1 + 4 t_k^2)) / 2`,
 * `y_{k+1} = a_k + ((t_k - 1) / t_{k+1}) (a_k - a_{k-1})`, step 1/L with L the largest eigenvalue of
 * Phi^T Phi. The same objective as soft-threshold LCA (SPEC §3), so it serves as its reference solver.
 * Shapes: x B x D, phi D x M (any column norms); codes B x M.
 */
export function fista(x: tf.Tensor2D, phi: tf.Tensor2D, options: FistaOptions): FistaResult {
  const where = "fista";
  checkCodingInputs(x, phi, where);
  if (options === null || typeof options !== "object") {
    throw new SparsekitError(`${where}: argument 'options' must be { lambda, ... }, got ${String(options)}.`);
  }
  assertKnownOptions(options, where, ["lambda", "iterations", "tolerance", "recordEnergy"]);
  assertNumberOption(options.lambda, where, "lambda", { min: 0 });
  const maxIterations = options.iterations ?? 500;
  assertNumberOption(maxIterations, where, "iterations", { min: 1, integer: true });
  const tolerance = options.tolerance ?? 1e-6;
  assertNumberOption(tolerance, where, "tolerance", { min: 0 });
  const recordEnergy = options.recordEnergy ?? false;
  assertBooleanOption(recordEnergy, where, "recordEnergy");
  const { lambda } = options;

  const L = lipschitzConstant(phi);
  if (!(L > 0)) throw new SparsekitError(`${where}: argument 'phi' must not be all zeros.`);
  const step = 1 / L;
  const [b, gram] = tf.tidy(() => [tf.matMul(x, phi), tf.matMul(phi, phi, true, false)] as [tf.Tensor2D, tf.Tensor2D]);
  let a: tf.Tensor2D = tf.zeros([x.shape[0], phi.shape[1]]);
  let y: tf.Tensor2D = tf.clone(a);
  let t = 1;
  const energy: number[] = [];
  let k = 0;
  try {
    while (k < maxIterations) {
      k++;
      const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
      const momentum = (t - 1) / tNext;
      const aNext = tf.tidy(() => softThreshold(tf.sub(y, tf.mul(step, tf.sub(tf.matMul(y, gram), b))), lambda * step) as tf.Tensor2D);
      const yNext = tf.tidy(() => tf.add(aNext, tf.mul(momentum, tf.sub(aNext, a))) as tf.Tensor2D);
      const converged =
        tolerance > 0 && k % 10 === 0
          ? tf.tidy(() => {
              const change = tf.max(tf.abs(tf.sub(aNext, a))).dataSync()[0]!;
              const scale = Math.max(1, tf.max(tf.abs(aNext)).dataSync()[0]!);
              return change <= tolerance * scale;
            })
          : false;
      a.dispose();
      y.dispose();
      a = aNext;
      y = yNext;
      t = tNext;
      if (recordEnergy) {
        const e = sparseCodingEnergy(x, phi, a, lambda, "l1");
        energy.push(e.dataSync()[0]!);
        e.dispose();
      }
      if (converged) break;
    }
  } finally {
    b.dispose();
    gram.dispose();
    y.dispose();
  }
  return recordEnergy ? { codes: a, iterations: k, stepSize: step, energy } : { codes: a, iterations: k, stepSize: step };
}
