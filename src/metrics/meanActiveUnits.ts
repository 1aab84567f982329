import * as tf from "@tensorflow/tfjs";
import { readTolOption, resolveTol, type ToleranceOptions } from "./tolerance.js";
import { toCodesTensor, type Codes } from "./toCodesTensor.js";

/**
 * Mean number of active units per sample (mean L0 "norm") of codes H (B x K), SPEC.md §2:
 * `(1/B) sum_i #{k : |h_ik| > tol}`.
 *
 * Options: `tol` (absolute, >= 0); default 1e-6 x max |h| (see `defaultTol`).
 * Range [0, K]; equals `K * (1 - fractionZeros(h, { tol }))`.
 */
export function meanActiveUnits(h: Codes, opts?: ToleranceOptions): number {
  const where = "meanActiveUnits";
  const tolOpt = readTolOption(opts, where);
  return tf.tidy(() => {
    const t = toCodesTensor(h, where);
    const tol = resolveTol(t, tolOpt);
    const active = tf.sum(tf.cast(tf.greater(tf.abs(t), tol), "int32")).dataSync()[0];
    return active / t.shape[0];
  });
}
