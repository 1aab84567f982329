import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertBatchSize, assertFinite, assertTensor } from "../validation/tensorChecks.js";

/**
 * Parameters of the Hard Concrete distribution (Louizos, Welling & Kingma 2018, "Learning Sparse
 * Neural Networks through L0 Regularization", §4): temperature beta and the stretch interval
 * (gamma, zeta) with gamma < 0 < 1 < zeta, so that the clipped gate puts mass on exactly 0 and 1.
 */
export interface HardConcreteParams {
  /** Temperature, > 0. Paper default 2/3. */
  beta: number;
  /** Lower end of the stretch, < 0. Paper default -0.1. */
  gamma: number;
  /** Upper end of the stretch, > 1. Paper default 1.1. */
  zeta: number;
}

/** The paper's values, used throughout sparsekit unless overridden. */
export const HARD_CONCRETE_DEFAULTS: Readonly<HardConcreteParams> = Object.freeze({ beta: 2 / 3, gamma: -0.1, zeta: 1.1 });

/** Fills defaults and validates Hard Concrete parameters (shared by the gate and the objective). */
export function resolveHardConcreteParams(options: Partial<HardConcreteParams> | undefined, where: string): HardConcreteParams {
  assertKnownOptions(options, where, ["beta", "gamma", "zeta"]);
  const p = { ...HARD_CONCRETE_DEFAULTS, ...(options ?? {}) };
  assertNumberOption(p.beta, where, "beta", { min: 0, exclusiveMin: true });
  assertNumberOption(p.gamma, where, "gamma", { max: 0, exclusiveMax: true });
  assertNumberOption(p.zeta, where, "zeta", { min: 1, exclusiveMin: true });
  return p;
}

/**
 * Closed-form expected L0 norm of Hard Concrete gates (SPEC §1.6; Louizos et al. 2018, eq. 12),
 * as a fraction of the gates:
 *
 *   E[L0] / n = (1/n) sum_j P(z_j != 0) = (1/n) sum_j sigmoid(log_alpha_j - beta log(-gamma / zeta)).
 *
 * With the paper's defaults the shift beta log(-gamma/zeta) = (2/3) log(1/11) ~ -1.599, so a gate
 * with log_alpha = 0 is non-zero with probability ~0.832. Differentiable in log_alpha, gradient
 * sigmoid'(.)/n. Multiply by n for the paper's count.
 *
 * @param logAlpha the gates' location parameters (mask logits), any shape with a leading batch
 *   axis, e.g. B x H x W x 1; non-empty, finite.
 * @param options beta (> 0), gamma (< 0), zeta (> 1); paper defaults 2/3, -0.1, 1.1.
 * @returns scalar in (0, 1): the expected fraction of non-zero gates.
 */
export function hardConcreteExpectedL0(logAlpha: tf.Tensor, options?: Partial<HardConcreteParams>): tf.Scalar {
  const where = "hardConcreteExpectedL0";
  assertTensor(logAlpha, where, "logAlpha");
  if (logAlpha.rank === 0) {
    throw new SparsekitError(`${where}: argument 'logAlpha' must be a tensor with a batch axis (rank >= 1), got a scalar.`);
  }
  assertBatchSize(logAlpha, where, "logAlpha");
  assertFinite(logAlpha, where, "logAlpha");
  const { beta, gamma, zeta } = resolveHardConcreteParams(options, where);
  const shift = beta * Math.log(-gamma / zeta);
  return tf.tidy(() => tf.mean(tf.sigmoid(tf.sub(tf.cast(logAlpha, "float32"), shift))) as tf.Scalar);
}
