import * as tf from "@tensorflow/tfjs";
import type { SliceAxis } from "./sliceScores.js";

/**
 * Treves–Rolls sparsity of each slice along `axis` (SPEC.md §2): `1 - (mean x)^2 / mean(x^2)`
 * over the n entries of the slice. Range [0, 1 - 1/n] for non-negative codes, [0, 1] for signed
 * ones (Cauchy–Schwarz). 0/0 for an all-zero slice (masked by `scoreSlices`). Shared by population
 * sparsity (axis 1) and lifetime sparsity (axis 0).
 */
export function trevesRolls(x: tf.Tensor2D, axis: SliceAxis): tf.Tensor1D {
  return tf.tidy(() => {
    const m = tf.mean(x, axis);
    const q = tf.mean(tf.square(x), axis);
    return tf.sub(1, tf.div(tf.square(m), q)) as tf.Tensor1D;
  });
}
