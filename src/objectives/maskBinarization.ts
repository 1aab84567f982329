import * as tf from "@tensorflow/tfjs";
import { assertKnownOptions } from "../validation/optionChecks.js";
import { checkMask } from "./maskInput.js";

/**
 * Mask binarisation penalty (SPEC §1.6, seed 000): `mean(M (1 - M))`, zero exactly when every
 * value is 0 or 1, largest (1/4) when every value is 1/2.
 *
 * @param mask M in [0, 1], shape B x H x W or B x H x W x 1.
 * @param options none; present only so unknown keys are rejected.
 * @returns unweighted scalar in [0, 0.25].
 */
export function maskBinarization(mask: tf.Tensor, options?: Record<string, never>): tf.Scalar {
  const where = "maskBinarization";
  assertKnownOptions(options, where, []);
  return tf.tidy(() => {
    const m = checkMask(mask, where);
    return tf.mean(tf.mul(m, tf.sub(1, m))) as tf.Scalar;
  });
}
