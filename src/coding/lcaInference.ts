import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertEnumOption, assertKnownOptions, assertNumberOption, assertBooleanOption } from "../validation/optionChecks.js";
import { checkCodingInputs, checkInitialU } from "./checkCodingInputs.js";
import { sparseCodingEnergy } from "./sparseCodingEnergy.js";
import { applyThreshold, thresholdPenalty, THRESHOLDS, type Threshold } from "./threshold.js";

export interface LcaOptions {
  /** Threshold lambda >= 0 (the weight of the L1 penalty for "soft"). */
  lambda: number;
  /** Time constant in iterations: `u += (1/tau)(b - u - G a)` per iteration. Default 10, >= 1. */
  tau?: number;
  /** Number of iterations. Default 200. */
  iterations?: number;
  /** "soft" (L1, default) or "hard" (L0-like). */
  threshold?: Threshold;
  /** Record the batch-mean energy after every iteration (one read-back per iteration). Default false. */
  recordEnergy?: boolean;
  /** Starting membrane potentials (B x M); default zeros. Warm starts speed up repeated inference. */
  initialU?: tf.Tensor2D;
}

export interface LcaResult {
  /** a = T_lambda(u), B x M (caller disposes). */
  codes: tf.Tensor2D;
  /** Membrane potentials u, B x M (caller disposes; pass as initialU to continue). */
  u: tf.Tensor2D;
  /** With recordEnergy: energy of the codes after each iteration (see sparseCodingEnergy). */
  energy?: number[];
}

const KNOWN = ["lambda", "tau", "iterations", "threshold", "recordEnergy", "initialU"] as const;

/**
 * Locally Competitive Algorithm (Rozell et al. 2008; SPEC §3), batched over the rows of x:
 * `b = Phi^T x`, `G = Phi^T Phi - I`, `u <- u + (1/tau)(b - u - G a)`, `a = T_lambda(u)`, from
 * u = 0 (or `initialU`). With the soft threshold the fixed points minimise
 * `1/2 ||x - Phi a||^2 + lambda ||a||_1` and the energy does not increase along the dynamics; the
 * hard threshold descends `1/2 ||x - Phi a||^2 + (lambda^2/2) ||a||_0` (a local minimum).
 *
 * Shapes: x B x D (one sample per row), phi D x M with unit-norm columns (the dynamics assume
 * them; see normalizeColumns). Returns codes and potentials as B x M tensors owned by the caller.
 */
export function lcaInference(x: tf.Tensor2D, phi: tf.Tensor2D, options: LcaOptions): LcaResult {
  const where = "lcaInference";
  checkCodingInputs(x, phi, where);
  if (options === null || typeof options !== "object") {
    throw new SparsekitError(`${where}: argument 'options' must be { lambda, ... }, got ${String(options)}.`);
  }
  assertKnownOptions(options, where, KNOWN);
  assertNumberOption(options.lambda, where, "lambda", { min: 0 });
  const tau = options.tau ?? 10;
  assertNumberOption(tau, where, "tau", { min: 1 });
  const iterations = options.iterations ?? 200;
  assertNumberOption(iterations, where, "iterations", { min: 1, integer: true });
  const threshold = options.threshold ?? "soft";
  assertEnumOption(threshold, where, "threshold", THRESHOLDS);
  const recordEnergy = options.recordEnergy ?? false;
  assertBooleanOption(recordEnergy, where, "recordEnergy");
  const [batch, atoms] = [x.shape[0], phi.shape[1]];
  if (options.initialU !== undefined) {
    checkInitialU(options.initialU, batch, atoms, where);
  }
  const { lambda } = options;
  const penalty = thresholdPenalty(threshold);
  const rate = 1 / tau;

  const [b, g] = tf.tidy(() => {
    const xf = tf.cast(x, "float32") as tf.Tensor2D;
    const pf = tf.cast(phi, "float32") as tf.Tensor2D;
    return [tf.matMul(xf, pf), tf.sub(tf.matMul(pf, pf, true, false), tf.eye(atoms))] as [tf.Tensor2D, tf.Tensor2D];
  });
  let u: tf.Tensor2D = options.initialU ? (tf.clone(options.initialU) as tf.Tensor2D) : tf.zeros([batch, atoms]);
  const energy: number[] = [];
  try {
    for (let t = 0; t < iterations; t++) {
      const next = tf.tidy(() => {
        const a = applyThreshold(u, lambda, threshold, where);
        // G is symmetric, so (G a_i) for every row i is a G.
        return tf.add(u, tf.mul(rate, tf.sub(tf.sub(b, u), tf.matMul(a, g)))) as tf.Tensor2D;
      });
      u.dispose();
      u = next;
      if (recordEnergy) {
        const e = tf.tidy(() => sparseCodingEnergy(x, phi, applyThreshold(u, lambda, threshold, where) as tf.Tensor2D, lambda, penalty));
        energy.push(e.dataSync()[0]!);
        e.dispose();
      }
    }
  } finally {
    b.dispose();
    g.dispose();
  }
  const codes = applyThreshold(u, lambda, threshold, where) as tf.Tensor2D;
  return recordEnergy ? { codes, u, energy } : { codes, u };
}
