import * as tf from "@tensorflow/tfjs";
import { assertKnownOptions } from "../validation/optionChecks.js";
import { checkMask } from "./maskInput.js";

/**
 * Mask area penalty (SPEC §1.6, seed 000): `mean(M)`, the fraction of the image kept.
 *
 * @param mask M in [0, 1], shape B x H x W or B x H x W x 1.
 * @param options none; present only so unknown keys are rejected.
 * @returns unweighted scalar in [0, 1]; gradient 1 / (B H W) everywhere.
 */
export function maskArea(mask: tf.Tensor, options?: Record<string, never>): tf.Scalar {
  const where = "maskArea";
  assertKnownOptions(options, where, []);
  return tf.tidy(() => tf.mean(checkMask(mask, where)) as tf.Scalar);
}
