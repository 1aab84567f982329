import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { checkCodes } from "../validation/tensorChecks.js";

/**
 * Top-k sparsification (SPEC §1.1): keeps the k largest entries of each row of h and zeroes the
 * rest. Exactly k entries per row are kept even when values tie (tf.topk picks distinct indices).
 *
 * @param h codes, B x K, finite.
 * @param k integer in [1, K].
 * @returns a B x K tensor (not a scalar). Its gradient is dy on the kept entries and 0 elsewhere:
 *   the selection itself is treated as a constant.
 */
export function topK(h: tf.Tensor, k: number): tf.Tensor2D {
  const where = "topK";
  checkCodes(h, where, "h");
  const units = h.shape[1] as number;
  if (typeof k !== "number" || !Number.isInteger(k) || k < 1 || k > units) {
    throw new SparsekitError(
      `${where}: argument 'k' must be an integer in [1, ${units}] (1 <= k <= K, the number of units), got ${
        typeof k === "number" ? k : typeof k
      }.`,
    );
  }
  return tf.tidy(() => {
    const x = tf.cast(h, "float32") as tf.Tensor2D;
    const keep = tf.customGrad((input, save) => {
      const xin = input as tf.Tensor2D;
      // One-hot rows of the k indices, summed: a 0/1 mask with exactly k ones per row.
      // (k = K keeps everything; tf.oneHot also refuses depth 1.)
      const mask =
        k === units ? tf.onesLike(xin) : tf.sum(tf.oneHot(tf.topk(xin, k, false).indices, units, 1, 0, "float32"), 1);
      (save as tf.GradSaveFunc)([mask]);
      return {
        // where() rather than x * mask, so dropped negatives become +0, not -0.
        value: tf.where(tf.cast(mask, "bool"), xin, tf.zerosLike(xin)),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]),
      };
    });
    return keep(x) as tf.Tensor2D;
  });
}
