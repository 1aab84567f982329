import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBooleanOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertFinite, assertRank, assertTensor } from "../validation/tensorChecks.js";
import { lipschitzConstant } from "./fista.js";
import { logScaleNll } from "./logScaleNll.js";

export interface VarianceCodeOptions {
  /** L1 weight on the second-layer codes c. */
  lambda: number;
  /** Proximal-gradient iterations. Default 100. */
  iterations?: number;
  /** Starting codes (N x K); default zeros. */
  initialC?: tf.Tensor2D;
  /** Record the batch-mean energy after every iteration. Default false. */
  recordEnergy?: boolean;
}

export interface VarianceCodeResult {
  /** c, N x K (caller disposes). */
  codes: tf.Tensor2D;
  /** With recordEnergy: batch-mean energy per iteration (see varianceCodeEnergy). */
  energy?: number[];
}

/** Per-sample energy of the second layer: `sum_i (m_i e^{-s_i} + s_i) + lambda ||c||_1`, s = B c + bias. */
export function varianceCodeEnergy(m: tf.Tensor2D, basis: tf.Tensor2D, bias: tf.Tensor1D, codes: tf.Tensor2D, lambda: number): tf.Tensor1D {
  return tf.tidy(() => tf.add(logScaleNll(m, tf.add(tf.matMul(codes, basis, false, true), bias) as tf.Tensor2D), tf.mul(lambda, tf.sum(tf.abs(codes), 1))) as tf.Tensor1D);
}

/**
 * MAP second-layer codes of the hierarchical sparse-coding model (SPEC §3, seed 004): for
 * first-layer magnitudes m (N x M, m = |a| + floor) finds, per sample,
 * `c = argmin sum_i (m_i exp(-s_i) + s_i) + lambda ||c||_1` with `log sigma = s = B c + bias`,
 * B M x K. The smooth part is convex in c; proximal gradient (ISTA) with a per-sample step that
 * grows by 1.2 after an accepted step and halves after a rejected one (backtracking on the
 * quadratic upper bound), so the energy never increases.
 */
export function inferVarianceCodes(m: tf.Tensor2D, basis: tf.Tensor2D, bias: tf.Tensor1D, options: VarianceCodeOptions): VarianceCodeResult {
  const where = "inferVarianceCodes";
  assertTensor(m, where, "m");
  assertRank(m, where, "m", 2, "N x M magnitudes");
  assertFinite(m, where, "m");
  assertTensor(basis, where, "basis");
  assertRank(basis, where, "basis", 2, "M x K");
  if (basis.shape[0] !== m.shape[1]) throw new SparsekitError(`${where}: argument 'basis' must have ${m.shape[1]} rows (one per first-layer unit), got ${basis.shape[0]}.`);
  if (bias.rank !== 1 || bias.shape[0] !== m.shape[1]) throw new SparsekitError(`${where}: argument 'bias' must have shape [${m.shape[1]}], got [${bias.shape.join(", ")}].`);
  assertKnownOptions(options, where, ["lambda", "iterations", "initialC", "recordEnergy"]);
  assertNumberOption(options.lambda, where, "lambda", { min: 0 });
  const iterations = options.iterations ?? 100;
  assertNumberOption(iterations, where, "iterations", { min: 1, integer: true });
  const recordEnergy = options.recordEnergy ?? false;
  assertBooleanOption(recordEnergy, where, "recordEnergy");
  const [n, k] = [m.shape[0], basis.shape[1]];
  if (options.initialC && (options.initialC.shape[0] !== n || options.initialC.shape[1] !== k)) {
    throw new SparsekitError(`${where}: option 'initialC' must have shape [${n}, ${k}], got [${options.initialC.shape.join(", ")}].`);
  }
  const { lambda } = options;
  const smooth = (c: tf.Tensor2D) => logScaleNll(m, tf.add(tf.matMul(c, basis, false, true), bias) as tf.Tensor2D);
  // Curvature at c = 0 is B^T diag(w) B with w = m / sigma ~ 1: start from 1 / ||B||^2.
  let step: tf.Tensor2D = tf.fill([n, 1], 1 / lipschitzConstant(basis));
  let c: tf.Tensor2D = options.initialC ? (tf.clone(options.initialC) as tf.Tensor2D) : tf.zeros([n, k]);
  const energy: number[] = [];
  for (let t = 0; t < iterations; t++) {
    const [nextC, nextStep] = tf.tidy(() => {
      const s = tf.add(tf.matMul(c, basis, false, true), bias);
      const w = tf.mul(m, tf.exp(tf.neg(s)));
      const grad = tf.matMul(tf.sub(1, w), basis) as tf.Tensor2D;
      const f0 = tf.sum(tf.add(w, s), 1, true);
      // Soft threshold with a per-sample level step * lambda.
      const trial = tf.sub(c, tf.mul(step, grad));
      const cand = tf.mul(tf.sign(trial), tf.relu(tf.sub(tf.abs(trial), tf.mul(step, lambda)))) as tf.Tensor2D;
      const d = tf.sub(cand, c);
      const bound = tf.add(tf.add(f0, tf.sum(tf.mul(grad, d), 1, true)), tf.div(tf.sum(tf.square(d), 1, true), tf.mul(2, step)));
      const f1 = tf.reshape(smooth(cand), [n, 1]);
      const ok = tf.lessEqual(f1, tf.add(bound, 1e-6));
      return [tf.where(tf.tile(ok, [1, k]), cand, c) as tf.Tensor2D, tf.where(ok, tf.mul(step, 1.2), tf.mul(step, 0.5)) as tf.Tensor2D];
    });
    c.dispose();
    step.dispose();
    c = nextC;
    step = nextStep;
    if (recordEnergy) {
      const e = tf.tidy(() => tf.mean(varianceCodeEnergy(m, basis, bias, c, lambda)));
      energy.push(e.dataSync()[0]!);
      e.dispose();
    }
  }
  step.dispose();
  return recordEnergy ? { codes: c, energy } : { codes: c };
}
