import * as tf from "@tensorflow/tfjs";
import { readTolOption, resolveTol, type ToleranceOptions } from "./tolerance.js";
import { toCodesTensor, type Codes } from "./toCodesTensor.js";

/**
 * Fraction of zero entries of codes H (B x K), SPEC.md §2:
 * `#{(i, k) : |h_ik| <= tol} / (B K)`.
 *
 * Options: `tol` (absolute, >= 0); default 1e-6 x max |h| (see `defaultTol`), so an all-zero H
 * gives 1. Range [0, 1]; equals `1 - meanActiveUnits(h, { tol }) / K`.
 */
export function fractionZeros(h: Codes, opts?: ToleranceOptions): number {
  const where = "fractionZeros";
  const tolOpt = readTolOption(opts, where);
  return tf.tidy(() => {
    const t = toCodesTensor(h, where);
    const tol = resolveTol(t, tolOpt);
    const zeros = tf.sum(tf.cast(tf.lessEqual(tf.abs(t), tol), "int32")).dataSync()[0];
    return zeros / (t.shape[0] * t.shape[1]);
  });
}
