import * as tf from "@tensorflow/tfjs";

/**
 * Negative log-likelihood, per sample, of magnitudes m >= 0 under independent exponential
 * densities p(m_i) = exp(-m_i / sigma_i) / sigma_i with log sigma = `logSigma` (the |a| / sigma +
 * log sigma terms of the hierarchical energy, SPEC §3): `sum_i (m_i exp(-s_i) + s_i)`, in nats.
 * m and logSigma are N x M; returns N values.
 */
export function logScaleNll(m: tf.Tensor2D, logSigma: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.add(tf.mul(m, tf.exp(tf.neg(logSigma))), logSigma), 1) as tf.Tensor1D);
}
