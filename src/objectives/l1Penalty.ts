import * as tf from "@tensorflow/tfjs";
import { assertKnownOptions } from "../validation/optionChecks.js";
import { checkCodes } from "../validation/tensorChecks.js";

/**
 * L1 activity penalty (SPEC §1.1): `l1(H) = (1/B) sum_i sum_k |h_ik|`.
 *
 * @param h codes, B x K (one row per sample), finite.
 * @param options none; present only so unknown keys are rejected.
 * @returns unweighted scalar, >= 0. The gradient is sign(h)/B with sign(0) = 0 (tfjs' own |x|
 *   gradient uses -1 at 0, which would push exact zeros — common with ReLU codes — negative).
 */
export function l1Penalty(h: tf.Tensor, options?: Record<string, never>): tf.Scalar {
  const where = "l1Penalty";
  checkCodes(h, where, "h");
  assertKnownOptions(options, where, []);
  const batch = h.shape[0];
  return tf.tidy(() => {
    const x = tf.cast(h, "float32");
    // x * sign(x) = |x| with gradient sign(x) (Sign's gradient is zero in tfjs).
    return tf.div(tf.sum(tf.mul(x, tf.sign(x))), batch) as tf.Scalar;
  });
}
