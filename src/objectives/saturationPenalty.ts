import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertEnumOption, assertKnownOptions } from "../validation/optionChecks.js";
import { assertBatchSize, assertFinite, assertTensor, shapeString } from "../validation/tensorChecks.js";

export const SATURATING_ACTIVATIONS = ["relu", "satlin", "hardtanh"] as const;
export type SaturatingActivation = (typeof SATURATING_ACTIVATIONS)[number];

export interface SaturationOptions {
  /** The layer's activation f; required. */
  activation: SaturatingActivation;
}

/**
 * Saturating regulariser of Goroshin & LeCun (SPEC §1.3, seed 003): the complementary function
 * f_c of the activation summed over every unit/position and averaged over the batch,
 * `(1/B) sum_b sum_j f_c(z_bj)`. f_c is 0 where f' = 0 and otherwise the distance to the nearest
 * flat region measured along f:
 * - relu (max(z, 0)):          f_c(z) = max(z, 0);
 * - satlin (clip(z, 0, 1)):    f_c(z) = min(z, 1 - z) on [0, 1], 0 outside;
 * - hardtanh (clip(z, -1, 1)): f_c(z) = min(z + 1, 1 - z) on [-1, 1], 0 outside.
 * The gradient is zero for saturated units, so only unsaturated ones are pushed.
 *
 * @param z pre-activations, rank >= 2, batch first (B x K dense or B x H x W x C conv), finite.
 * @param options `activation`: "relu" | "satlin" | "hardtanh" (required).
 * @returns unweighted scalar >= 0 (alpha and the 1/D_h layer average are the caller's).
 */
export function saturationPenalty(z: tf.Tensor, options: SaturationOptions): tf.Scalar {
  const where = "saturationPenalty";
  assertTensor(z, where, "z");
  if (z.rank < 2) {
    throw new SparsekitError(
      `${where}: argument 'z' must be a tensor of rank >= 2 (batch first: B x K or B x H x W x C), got rank ${z.rank} with shape ${shapeString(z.shape)}.`,
    );
  }
  assertBatchSize(z, where, "z");
  assertFinite(z, where, "z");
  assertKnownOptions(options, where, ["activation"]);
  const activation = options?.activation;
  assertEnumOption(activation, where, "activation", SATURATING_ACTIVATIONS);
  const batch = z.shape[0];
  return tf.tidy(() => {
    const x = tf.cast(z, "float32");
    let fc: tf.Tensor;
    if (activation === "relu") {
      fc = tf.relu(x);
    } else if (activation === "satlin") {
      // min(z, 1 - z) is negative exactly outside [0, 1]; relu zeroes it there.
      fc = tf.relu(tf.minimum(x, tf.sub(1, x)));
    } else {
      fc = tf.relu(tf.minimum(tf.add(x, 1), tf.sub(1, x)));
    }
    return tf.div(tf.sum(fc), batch) as tf.Scalar;
  });
}
