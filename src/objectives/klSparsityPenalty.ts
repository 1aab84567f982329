import * as tf from "@tensorflow/tfjs";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertInRange, checkCodes } from "../validation/tensorChecks.js";

export interface KlSparsityOptions {
  /** Target mean activation per unit, in (0, 1) exclusive (e.g. 0.05). Required. */
  rho: number;
  /** rho_hat is clamped into [eps, 1 - eps]; in (0, 0.5). Default 1e-6. */
  eps?: number;
}

/**
 * KL sparsity penalty of the classic sparse autoencoder (SPEC §1.2, seed 002):
 * `sum_k KL(rho || rho_hat_k)`, `rho_hat_k = clamp((1/B) sum_i h_ik, eps, 1 - eps)`,
 * `KL(rho || q) = rho log(rho / q) + (1 - rho) log((1 - rho) / (1 - q))`.
 *
 * @param h sigmoid codes, B x K with B >= 2, every value in [0, 1]. One sample is rejected: its
 *   "mean" would be the activation itself, and the penalty would then ask every activation to
 *   equal rho (dense, small codes) instead of each unit being active in a fraction rho of samples.
 * @param options `rho` in (0, 1) (required), `eps` in (0, 0.5) (default 1e-6).
 * @returns unweighted scalar >= 0 (multiply by beta yourself); 0 iff every rho_hat_k = rho.
 *   The clamp keeps the value finite when a unit is always 0 or always 1; such a unit (batch
 *   mean beyond the clamp) gets zero gradient, the true gradient of the clamped function.
 */
export function klSparsityPenalty(h: tf.Tensor, options: KlSparsityOptions): tf.Scalar {
  const where = "klSparsityPenalty";
  checkCodes(h, where, "h", {
    minBatch: 2,
    why: "rho_hat is a batch mean; from one sample it would pull every activation to rho instead of making units rarely active",
  });
  assertInRange(h, where, "h", 0, 1);
  assertKnownOptions(options, where, ["rho", "eps"]);
  const rho = options?.rho;
  const eps = options?.eps ?? 1e-6;
  assertNumberOption(rho, where, "rho", { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  assertNumberOption(eps, where, "eps", { min: 0, max: 0.5, exclusiveMin: true, exclusiveMax: true });
  return tf.tidy(() => {
    const x = tf.cast(h, "float32");
    const rhoHat = tf.clipByValue(tf.mean(x, 0), eps, 1 - eps);
    // rho log(rho/q) + (1-rho) log((1-rho)/(1-q)), with the constant logs taken in float64.
    const kl = tf.add(
      tf.mul(rho, tf.sub(Math.log(rho), tf.log(rhoHat))),
      tf.mul(1 - rho, tf.sub(Math.log(1 - rho), tf.log(tf.sub(1, rhoHat)))),
    );
    return tf.sum(kl) as tf.Scalar;
  });
}
