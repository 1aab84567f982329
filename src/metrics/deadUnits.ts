import * as tf from "@tensorflow/tfjs";
import { readTolOption, resolveTol, type ToleranceOptions } from "./tolerance.js";
import { toCodesTensor, type Codes } from "./toCodesTensor.js";

/**
 * Indices (ascending, 0-based) of the dead units of codes H (B x K), SPEC.md §2: the units never
 * active on this evaluation set, `{k : |h_ik| <= tol for every i}`.
 *
 * Options: `tol` (absolute, >= 0); default 1e-6 x max |h| (see `defaultTol`). These are exactly the
 * units for which `lifetimeSparsityPerUnit` (same tol) gives NaN.
 */
export function deadUnitIndices(h: Codes, opts?: ToleranceOptions): number[] {
  const where = "deadUnitIndices";
  const tolOpt = readTolOption(opts, where);
  const dead = tf.tidy(() => {
    const t = toCodesTensor(h, where);
    const tol = resolveTol(t, tolOpt);
    return tf.lessEqual(tf.max(tf.abs(t), 0), tol).dataSync();
  });
  const out: number[] = [];
  dead.forEach((d, k) => {
    if (d) out.push(k);
  });
  return out;
}

/**
 * Number of dead units of codes H (B x K), SPEC.md §2: `#{k : |h_ik| <= tol for every i}`.
 * Options as `deadUnitIndices`. Range [0, K] (an integer).
 */
export function deadUnits(h: Codes, opts?: ToleranceOptions): number {
  const where = "deadUnits";
  const tolOpt = readTolOption(opts, where);
  return tf.tidy(() => {
    const t = toCodesTensor(h, where);
    const tol = resolveTol(t, tolOpt);
    return tf.sum(tf.cast(tf.lessEqual(tf.max(tf.abs(t), 0), tol), "int32")).dataSync()[0];
  });
}
