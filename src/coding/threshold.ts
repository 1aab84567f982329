import * as tf from "@tensorflow/tfjs";
import { assertEnumOption, assertNumberOption } from "../validation/optionChecks.js";

/** The thresholds of LCA (Rozell et al. 2008, SPEC §3): `a = T_lambda(u)`. */
export const THRESHOLDS = ["soft", "hard"] as const;
export type Threshold = (typeof THRESHOLDS)[number];

/** The sparsity penalty of the energy each threshold descends: L1 for "soft", L0 for "hard" (see sparseCodingEnergy). */
export function thresholdPenalty(threshold: Threshold): "l1" | "l0" {
  return threshold === "soft" ? "l1" : "l0";
}

/** Soft threshold `sign(u) max(|u| - lambda, 0)`: the proximal map of `lambda ||a||_1`. */
export function softThreshold(u: tf.Tensor, lambda: number): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.sign(u), tf.relu(tf.sub(tf.abs(u), lambda))));
}

/** Hard threshold `u * [|u| > lambda]`: the L0-like variant of LCA (no shrinkage of survivors). */
export function hardThreshold(u: tf.Tensor, lambda: number): tf.Tensor {
  return tf.tidy(() => tf.mul(u, tf.cast(tf.greater(tf.abs(u), lambda), u.dtype)));
}

/** Applies the named threshold; `where` names the caller for the error on an unknown name. */
export function applyThreshold(u: tf.Tensor, lambda: number, kind: Threshold, where = "applyThreshold"): tf.Tensor {
  assertNumberOption(lambda, where, "lambda", { min: 0 });
  assertEnumOption(kind, where, "threshold", THRESHOLDS);
  return kind === "soft" ? softThreshold(u, lambda) : hardThreshold(u, lambda);
}
