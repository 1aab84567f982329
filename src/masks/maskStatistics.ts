import * as tf from "@tensorflow/tfjs";
import { checkMask } from "../objectives/maskInput.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";

export interface MaskStatistics {
  /** mean(M): the mask's mass as a fraction of the pixels. */
  area: number;
  /** mean(M > 0): fraction of pixels the classifier sees at all (the "pixels kept" of a soft mask). */
  keptFraction: number;
  /** Fraction of mask values strictly between `low` and `high` (0 for a binary mask). */
  nonBinaryFraction: number;
  /** Fraction of samples whose mask is entirely 0. */
  emptyFraction: number;
  /** area < collapseArea: the mask has (almost) vanished — the seed's failure (SPEC §1.6). */
  collapsed: boolean;
}

export interface MaskStatisticsOptions {
  /** Binariness band (low, high); defaults 0.05 and 0.95. */
  low?: number;
  high?: number;
  /** Area below which a mask counts as collapsed; default 0.005 (under 4 of 784 MNIST pixels' worth). */
  collapseArea?: number;
}

/**
 * Summary of a batch of gated masks (SPEC §1.6, §5.7): area, fraction kept, binariness,
 * empty masks and collapse. One read-back of five numbers.
 *
 * @param mask M in [0, 1], B x H x W or B x H x W x 1.
 */
export function maskStatistics(mask: tf.Tensor, options: MaskStatisticsOptions = {}): MaskStatistics {
  const where = "maskStatistics";
  assertKnownOptions(options, where, ["low", "high", "collapseArea"]);
  const { low = 0.05, high = 0.95, collapseArea = 0.005 } = options;
  assertNumberOption(low, where, "low", { min: 0, max: 1 });
  assertNumberOption(high, where, "high", { min: low, max: 1 });
  assertNumberOption(collapseArea, where, "collapseArea", { min: 0, max: 1 });
  const [area, kept, nonBinary, empty] = tf.tidy(() => {
    const m = checkMask(mask, where);
    const inBand = tf.logicalAnd(tf.greater(m, low), tf.less(m, high));
    const perSampleMax = tf.max(m, [1, 2]);
    return Array.from(
      tf.stack([
        tf.mean(m),
        tf.mean(tf.cast(tf.greater(m, 0), "float32")),
        tf.mean(tf.cast(inBand, "float32")),
        tf.mean(tf.cast(tf.lessEqual(perSampleMax, 0), "float32")),
      ]).dataSync(),
    );
  });
  return { area, keptFraction: kept, nonBinaryFraction: nonBinary, emptyFraction: empty, collapsed: area < collapseArea };
}
