import * as tf from "@tensorflow/tfjs";

/**
 * Scales every column of `phi` (D x M) to unit L2 norm; columns of norm below `eps` are left
 * at that tiny norm instead of dividing by zero. SPEC §3: LCA assumes unit-norm atoms.
 */
export function normalizeColumns(phi: tf.Tensor2D, eps = 1e-12): tf.Tensor2D {
  return tf.tidy(() => tf.div(phi, tf.maximum(tf.norm(phi, 2, 0, true), eps)) as tf.Tensor2D);
}

/**
 * One Hebbian dictionary step of sparse coding (SPEC §3), averaged over the batch:
 * `Phi <- normalizeColumns(Phi + eta (X - Phi A) A^T / B)` with X as B x D rows and A as B x M
 * codes, i.e. `Phi + eta/B * (X - A Phi^T)^T A`. Returns the new dictionary (D x M).
 */
export function dictionaryUpdate(phi: tf.Tensor2D, x: tf.Tensor2D, codes: tf.Tensor2D, eta: number): tf.Tensor2D {
  return tf.tidy(() => {
    const residual = tf.sub(x, tf.matMul(codes, phi, false, true));
    const step = tf.mul(tf.matMul(residual, codes, true, false), eta / x.shape[0]);
    return normalizeColumns(tf.add(phi, step) as tf.Tensor2D);
  });
}
