import * as tf from "@tensorflow/tfjs";
import {
  assertBooleanOption,
  assertEnumOption,
  assertKnownOptions,
  assertNumberOption,
} from "../validation/optionChecks.js";
import { assertNonNegative, checkCodes } from "../validation/tensorChecks.js";

export const OVR_REDUCTIONS = ["sum", "mean"] as const;
export type OvrReduction = (typeof OVR_REDUCTIONS)[number];

export interface OvrOptions {
  /** "sum" (default): sum over ordered pairs i != j; "mean": divided by B(B - 1). */
  reduction?: OvrReduction;
  /** Scale rows to unit L2 norm first (cosine overlap). Default false. */
  normalize?: boolean;
  /** Rows are divided by sqrt(||h_i||^2 + eps^2), so an all-zero row stays finite. > 0, default 1e-8. */
  eps?: number;
}

/**
 * One-Vs-Rest overlap (SPEC §1.4, seed 001):
 * `OVR(H) = sum_{i != j} <h_i, h_j> = ||sum_i h_i||^2 - sum_i ||h_i||^2`, computed with the
 * right-hand O(BK) form.
 *
 * @param h codes, B x K with B >= 2, finite and non-negative. Non-negativity is required
 *   because with signed codes <h_i, h_j> can be negative: minimising the "overlap" would then
 *   reward dense anti-correlated codes instead of sparse, non-overlapping ones.
 * @param options `reduction` "sum" | "mean" (default "sum"), `normalize` (default false),
 *   `eps` (default 1e-8).
 * @returns unweighted scalar >= 0 (up to rounding). With "sum" at most B(B - 1) max||h_i||^2;
 *   with normalize and "mean", the mean pairwise cosine similarity, in [0, 1].
 */
export function ovrOverlap(h: tf.Tensor, options: OvrOptions = {}): tf.Scalar {
  const where = "ovrOverlap";
  checkCodes(h, where, "h", { minBatch: 2, why: "the overlap is taken between different samples of the batch" });
  assertKnownOptions(options, where, ["reduction", "normalize", "eps"]);
  const reduction = options.reduction ?? "sum";
  const normalize = options.normalize ?? false;
  const eps = options.eps ?? 1e-8;
  assertEnumOption(reduction, where, "reduction", OVR_REDUCTIONS);
  assertBooleanOption(normalize, where, "normalize");
  assertNumberOption(eps, where, "eps", { min: 0, exclusiveMin: true });
  assertNonNegative(h, where, "h", "e.g. ReLU codes; with signed codes the overlap can be made negative by dense anti-correlated codes");
  const batch = h.shape[0];
  return tf.tidy(() => {
    let x = tf.cast(h, "float32");
    if (normalize) {
      x = tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), eps * eps)));
    }
    const total = tf.sum(tf.square(tf.sum(x, 0)));
    const own = tf.sum(tf.square(x));
    const overlap = tf.sub(total, own);
    return (reduction === "mean" ? tf.div(overlap, batch * (batch - 1)) : overlap) as tf.Scalar;
  });
}
