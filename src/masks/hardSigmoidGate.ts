import * as tf from "@tensorflow/tfjs";
import { checkMaskLogits } from "./checkMaskLogits.js";

/**
 * Hard sigmoid gate, the source's choice (SPEC §1.6, seed 000): `M = clip(0.2 m + 0.5, 0, 1)`.
 * Gradient 0.2 for -2.5 <= m <= 2.5 and exactly 0 outside: a pixel pushed below m = -2.5 (M = 0)
 * receives no gradient from any loss and stays off, which is how the all-zero mask becomes a trap.
 *
 * @param logits mask logits m, B x H x W or B x H x W x 1, finite.
 * @returns M in [0, 1], same shape; values strictly inside (0, 1) wherever |m| < 2.5.
 */
export function hardSigmoidGate(logits: tf.Tensor): tf.Tensor {
  checkMaskLogits(logits, "hardSigmoidGate");
  return tf.tidy(() => tf.clipByValue(tf.add(tf.mul(tf.cast(logits, "float32"), 0.2), 0.5), 0, 1));
}
