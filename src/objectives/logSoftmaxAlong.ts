import * as tf from "@tensorflow/tfjs";

/**
 * log-softmax of `logits` along `axis` (tf.logSoftmax only takes the last axis). The max is
 * subtracted and never added back: with |logits| ~ 1e4, `z - logSumExp(z)` would carry the
 * float32 rounding of 1e4 (~1e-3) into every log-probability.
 */
export function logSoftmaxAlong(logits: tf.Tensor, axis: number): tf.Tensor {
  const shifted = tf.sub(logits, tf.max(logits, axis, true));
  return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
}
