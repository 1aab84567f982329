import * as tf from "@tensorflow/tfjs";

/** Sparsity penalty of the sparse-coding energy: L1 for soft-threshold LCA/FISTA, L0 for hard. */
export type SparsityPenaltyKind = "l1" | "l0";

/**
 * Sparse-coding energy, averaged over the batch (SPEC §3, Rozell et al. 2008):
 * - l1: `E = (1/B) sum_i [ 1/2 ||x_i - Phi a_i||^2 + lambda ||a_i||_1 ]` (what soft-threshold LCA
 *   and FISTA minimise);
 * - l0: `E = (1/B) sum_i [ 1/2 ||x_i - Phi a_i||^2 + (lambda^2 / 2) ||a_i||_0 ]` (the energy that
 *   hard-threshold LCA descends; Rozell et al. 2008, section 3).
 * Shapes: x B x D (rows are samples), phi D x M, codes B x M. Returns a scalar tensor (caller owns it).
 * Inputs are not validated here: the public entry points (lcaInference, fista) check them.
 */
export function sparseCodingEnergy(
  x: tf.Tensor2D,
  phi: tf.Tensor2D,
  codes: tf.Tensor2D,
  lambda: number,
  penalty: SparsityPenaltyKind = "l1",
): tf.Scalar {
  return tf.tidy(() => {
    const residual = tf.sub(x, tf.matMul(codes, phi, false, true));
    const recon = tf.mul(0.5, tf.sum(tf.square(residual)));
    const sparsity =
      penalty === "l1"
        ? tf.mul(lambda, tf.sum(tf.abs(codes)))
        : tf.mul((lambda * lambda) / 2, tf.sum(tf.cast(tf.notEqual(codes, 0), "float32")));
    return tf.div(tf.add(recon, sparsity), x.shape[0]) as tf.Scalar;
  });
}
