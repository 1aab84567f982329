import * as tf from "@tensorflow/tfjs";
import { assertKnownOptions } from "../validation/optionChecks.js";
import { checkMask } from "./maskInput.js";

/**
 * Anisotropic total variation of a mask (SPEC §1.6), favouring contiguous regions:
 * `(1/B) sum_b [ sum_{y,x} |M[b,y+1,x] - M[b,y,x]| + sum_{y,x} |M[b,y,x+1] - M[b,y,x]| ] / (H W)`.
 * Normalised by the pixel count H W (not by the number of neighbour pairs) so the value is a
 * per-pixel boundary density comparable across image sizes, like maskArea's fraction.
 *
 * @param mask M in [0, 1], shape B x H x W or B x H x W x 1.
 * @param options none; present only so unknown keys are rejected.
 * @returns unweighted scalar in [0, 2): 0 for a constant mask, ((H-1)W + H(W-1)) / (HW) for a
 *   checkerboard. Gradient uses sign(0) = 0 where neighbours are equal.
 */
export function maskTotalVariation(mask: tf.Tensor, options?: Record<string, never>): tf.Scalar {
  const where = "maskTotalVariation";
  assertKnownOptions(options, where, []);
  return tf.tidy(() => {
    const m = checkMask(mask, where);
    const [batch, height, width] = m.shape;
    // d * sign(d) = |d| with gradient sign(d), 0 at d = 0 (tfjs' |x| gradient gives -1 there).
    const absSum = (d: tf.Tensor) => tf.sum(tf.mul(d, tf.sign(d)));
    let total = tf.scalar(0);
    if (height > 1) {
      const vertical = tf.sub(tf.slice(m, [0, 1, 0], [-1, -1, -1]), tf.slice(m, [0, 0, 0], [-1, height - 1, -1]));
      total = tf.add(total, absSum(vertical));
    }
    if (width > 1) {
      const horizontal = tf.sub(tf.slice(m, [0, 0, 1], [-1, -1, -1]), tf.slice(m, [0, 0, 0], [-1, -1, width - 1]));
      total = tf.add(total, absSum(horizontal));
    }
    return tf.div(total, batch * height * width) as tf.Scalar;
  });
}
