import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { checkCodes } from "../validation/tensorChecks.js";
import { logSoftmaxAlong } from "./logSoftmaxAlong.js";

export interface NeighbourConsistencyOptions {
  /** Inverse temperature, nonzero and finite; beta = -1 gives the ordinary softmax (as in batchEntropy). Required. */
  beta: number;
}

/**
 * Neighbour consistency of cluster assignments (SCAN, Van Gansbeke et al. 2020, "SCAN: Learning
 * to Classify Images without Labels", eq. 2; an addition to SPEC §1.5's batch entropy): each
 * sample and one of its nearest neighbours (in some fixed feature space, e.g. pixels) should fall
 * in the same cluster. With `Q_l = softmax(-beta h_l)` and `Q'_l = softmax(-beta h'_l)`:
 *
 *   `C = -mean_l ln sum_i Q_li Q'_li`
 *
 * the negative log-probability that the two draw the same cluster. C >= 0, and C = 0 exactly
 * when both rows are one-hot on the same unit; its minimum alone is collapse (every sample on one
 * unit), so it is paired with a term that spreads the clusters (the marginal batch entropy).
 * Computed as `-logSumExp_i(ln Q_li + ln Q'_li)` with max-shifted log-softmax, so confident but
 * disagreeing rows give a large finite value instead of ln 0. Autodiff gradient (both inputs).
 *
 * @param h outputs of the samples, B x K (B >= 1), finite.
 * @param hNeighbours outputs of one neighbour of each sample, same shape.
 * @returns unweighted scalar in [0, inf).
 */
export function neighbourConsistency(h: tf.Tensor, hNeighbours: tf.Tensor, options: NeighbourConsistencyOptions): tf.Scalar {
  const where = "neighbourConsistency";
  checkCodes(h, where, "h");
  checkCodes(hNeighbours, where, "hNeighbours");
  if (h.shape.join(",") !== hNeighbours.shape.join(",")) {
    throw new SparsekitError(`${where}: arguments 'h' and 'hNeighbours' must have the same shape (one neighbour per sample), got [${h.shape.join(", ")}] and [${hNeighbours.shape.join(", ")}].`);
  }
  assertKnownOptions(options, where, ["beta"]);
  const beta = options?.beta;
  assertNumberOption(beta, where, "beta");
  if (beta === 0) throw new SparsekitError(`${where}: option 'beta' must be a nonzero finite number (inverse temperature; -1 is the ordinary softmax), got 0.`);
  return tf.tidy(() => {
    const logQ = logSoftmaxAlong(tf.mul(tf.cast(h, "float32"), -beta), 1);
    const logQn = logSoftmaxAlong(tf.mul(tf.cast(hNeighbours, "float32"), -beta), 1);
    return tf.neg(tf.mean(tf.logSumExp(tf.add(logQ, logQn), 1))) as tf.Scalar;
  });
}
