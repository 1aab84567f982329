import * as tf from "@tensorflow/tfjs";

/**
 * Silent-slice convention shared by Hoyer, population and lifetime sparsity (SPEC.md §2).
 *
 * These scores are ratios of norms, 0/0 for an all-zero row (sample) or column (unit). We call a
 * slice *silent* when every entry has |h| <= tol (the same tol as `fractionZeros`/`deadUnits`;
 * with the default tol, exactly the all-zero slices, plus slices below 1e-6 of the peak).
 * A silent slice scores NaN in the per-slice functions and is left out of the averages, so a
 * silent unit in `lifetimeSparsityPerUnit` is exactly a unit in `deadUnitIndices`. If every slice
 * is silent, the average is NaN (no defined value, rather than a made-up 0 or 1).
 */

/** axis = 1: one score per row (sample, across units); axis = 0: one per column (unit). */
export type SliceAxis = 0 | 1;

/**
 * Scores each slice of `t` along `axis` with `score`, which receives the slices scaled by their
 * max |h| (entries in [-1, 1], so squares neither overflow nor underflow in float32; every score
 * used here is scale-invariant) and returns one value per slice in [0, 1] up to rounding.
 * Returns plain numbers with NaN for silent slices. Call inside `tf.tidy`.
 */
export function scoreSlices(
  t: tf.Tensor2D,
  axis: SliceAxis,
  tol: number,
  score: (scaled: tf.Tensor2D, axis: SliceAxis) => tf.Tensor1D,
): number[] {
  const values = tf.tidy(() => {
    const peak = tf.max(tf.abs(t), axis, true);
    const scaled = tf.div(t, tf.where(tf.greater(peak, 0), peak, tf.onesLike(peak))) as tf.Tensor2D;
    const silent = tf.lessEqual(tf.squeeze(peak, [axis]), tol);
    // Float32 rounding can push a score just outside [0, 1] (e.g. constant rows); clip it back.
    const s = tf.clipByValue(score(scaled, axis), 0, 1);
    return tf.where(silent, tf.fill(s.shape, NaN), s).dataSync();
  });
  return Array.from(values);
}

/** Mean of the non-NaN entries (the non-silent slices); NaN when there are none. */
export function meanOfDefined(values: readonly number[]): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isNaN(v)) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? NaN : sum / n;
}
