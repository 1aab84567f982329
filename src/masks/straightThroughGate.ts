import * as tf from "@tensorflow/tfjs";
import { checkMaskLogits } from "./checkMaskLogits.js";

/** Forward: the binary step; backward: the sigmoid's derivative (Bengio et al. 2013's straight-through estimator). */
const steStep = tf.customGrad((input, save) => {
  const m = input as tf.Tensor;
  (save as tf.GradSaveFunc)([m]);
  return {
    value: tf.step(m), // 1[m > 0]
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const s = tf.sigmoid(saved[0]);
      return tf.mul(dy, tf.mul(s, tf.sub(1, s)));
    },
  };
});

/**
 * Straight-through binary gate (SPEC §1.6): forward `M = 1[m > 0]` (exactly 0 or 1; m = 0 gives 0),
 * backward `dL/dm = dL/dM * sigmoid(m) (1 - sigmoid(m))`, i.e. the gradient of the sigmoid the
 * step stands in for. Unlike the hard sigmoid the surrogate gradient is never exactly zero, so an
 * "off" pixel can still be switched back on by the task loss.
 *
 * @param logits mask logits m, B x H x W or B x H x W x 1, finite.
 * @returns binary M of the same shape (float32).
 */
export function straightThroughGate(logits: tf.Tensor): tf.Tensor {
  checkMaskLogits(logits, "straightThroughGate");
  return tf.tidy(() => steStep(tf.cast(logits, "float32")) as tf.Tensor);
}
