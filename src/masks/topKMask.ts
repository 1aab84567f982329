import * as tf from "@tensorflow/tfjs";
import { assertNumberOption } from "../validation/optionChecks.js";
import { checkMaskLogits } from "./checkMaskLogits.js";

/**
 * Binary B x N mask with a 1 at each of the given column indices of each row: `indices` is
 * B x k int32 (distinct per row, e.g. from tf.topk), n the row length. Exactly k ones per row
 * (scattered, so ties in the scores that produced the indices cannot add or drop pixels).
 */
export function indicesToMask(indices: tf.Tensor2D, n: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, k] = indices.shape;
    const rows = tf.tile(tf.reshape(tf.range(0, batch, 1, "int32"), [batch, 1]), [1, k]);
    const coords = tf.reshape(tf.stack([rows, tf.cast(indices, "int32")], 2), [batch * k, 2]);
    return tf.scatterND(coords, tf.ones([batch * k], "float32"), [batch, n]) as tf.Tensor2D;
  });
}

/**
 * Keeps the k highest-scoring pixels of each sample (SPEC §5.7 baselines, e.g. the top-k of a
 * saliency map): M = 1 on the k largest scores of the sample, 0 elsewhere; exactly k ones per
 * sample (ties broken by tf.topk's order). Not differentiable (a fixed mask).
 *
 * @param scores B x H x W or B x H x W x 1, finite.
 * @param k integer in [1, H W].
 * @returns binary mask of the same shape as `scores`.
 */
export function topKMask(scores: tf.Tensor, k: number): tf.Tensor {
  const where = "topKMask";
  checkMaskLogits(scores, where, "scores");
  const [batch, height, width] = scores.shape;
  assertNumberOption(k, where, "k", { integer: true, min: 1, max: height * width });
  return tf.tidy(() => {
    const flat = tf.reshape(tf.cast(scores, "float32"), [batch, height * width]) as tf.Tensor2D;
    return tf.reshape(indicesToMask(tf.topk(flat, k).indices as tf.Tensor2D, height * width), scores.shape);
  });
}
