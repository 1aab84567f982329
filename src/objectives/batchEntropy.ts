import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { checkCodes } from "../validation/tensorChecks.js";
import { logSoftmaxAlong } from "./logSoftmaxAlong.js";

export const BATCH_TERMS = ["perUnit", "marginal"] as const;
export type BatchTerm = (typeof BATCH_TERMS)[number];

export interface BatchEntropyOptions {
  /** Inverse temperature, nonzero and finite; beta = -1 gives the ordinary softmax. Required. */
  beta: number;
  /** Weight of the batch term, finite and >= 0. Required. */
  lambda: number;
  /** "perUnit" (default, seed 004) or "marginal" (RIM/IMSAT form, see SPEC §1.5). */
  batchTerm?: BatchTerm;
}

/**
 * Batch entropy loss of Paiton & Lundquist (SPEC §1.5, seed 004). The seed's X (N units x B
 * samples) is h transposed: X_il = h_li. With `Q_il = softmax_i(-beta X_il)` (over units, per
 * sample) and `P_il = softmax_l(-beta X_il)` (over the batch, per unit):
 * - perUnit:  `C = sum_l H_l - lambda sum_i H_i`, H_l = -sum_i Q_il ln Q_il,
 *             H_i = -sum_l P_il ln P_il. Backward pass: the analytic gradient of seed eq. 14,
 *             `dC/dX_kn = beta^2 (Q_kn (sum_i X_in Q_in - X_kn) - lambda P_kn (sum_l X_kl P_kl - X_kn))`,
 *             through tf.customGrad. Its global optimum includes collapse (all samples on one
 *             unit: H_l = 0 and H_i = ln B), whatever lambda is.
 * - marginal: `C = mean_l H_l - lambda H(qbar)`, `qbar_i = mean_l Q_il`; autodiff gradient.
 * Both forward passes use max-shifted log-softmax (log-sum-exp), and the eq. 14 sums are taken on
 * X centred by its max (exact, since sum_i Q_i = 1), so |beta X| up to 1e4 gives finite values
 * and gradients that stay accurate when X itself is large.
 *
 * @param h codes / network outputs, B x K with B >= 2, finite (any sign).
 * @returns unweighted scalar. perUnit lies in [-lambda K ln B, B ln K]; marginal in
 *   [-lambda ln K, ln K].
 */
export function batchEntropy(h: tf.Tensor, options: BatchEntropyOptions): tf.Scalar {
  const where = "batchEntropy";
  checkCodes(h, where, "h", { minBatch: 2, why: "the batch term measures how each unit is used across samples" });
  assertKnownOptions(options, where, ["beta", "lambda", "batchTerm"]);
  const beta = options?.beta;
  const lambda = options?.lambda;
  const batchTerm = options?.batchTerm ?? "perUnit";
  assertNumberOption(beta, where, "beta");
  if (beta === 0) {
    throw new SparsekitError(
      `${where}: option 'beta' must be a nonzero finite number (inverse temperature; -1 is the ordinary softmax), got 0.`,
    );
  }
  assertNumberOption(lambda, where, "lambda", { min: 0 });
  assertEnumOption(batchTerm, where, "batchTerm", BATCH_TERMS);
  return tf.tidy(() => {
    const x = tf.cast(h, "float32") as tf.Tensor2D;
    return batchTerm === "perUnit" ? perUnitCost(x, beta, lambda) : marginalCost(x, beta, lambda);
  });
}

/** -sum p ln p from log p; p = exp(log p) underflows to 0 harmlessly (0 * finite). */
function entropySum(logP: tf.Tensor, axis?: number): tf.Tensor {
  return tf.neg(tf.sum(tf.mul(tf.exp(logP), logP), axis));
}

function perUnitCost(h: tf.Tensor2D, beta: number, lambda: number): tf.Scalar {
  const cost = tf.customGrad((input, save) => {
    const x = input as tf.Tensor2D;
    (save as tf.GradSaveFunc)([x]);
    const logits = tf.mul(x, -beta);
    const sampleEntropies = entropySum(logSoftmaxAlong(logits, 1)); // sum_l H_l (rows = samples)
    const unitEntropies = entropySum(logSoftmaxAlong(logits, 0)); // sum_i H_i (columns = units)
    return {
      value: tf.sub(sampleEntropies, tf.mul(lambda, unitEntropies)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const xs = saved[0];
        const z = tf.mul(xs, -beta);
        // In h coordinates (h_nk = X_kn): Q^T is the row softmax, P^T the column softmax.
        const q = tf.exp(logSoftmaxAlong(z, 1));
        const p = tf.exp(logSoftmaxAlong(z, 0));
        // sum_i X_i Q_i - X_k is unchanged by a shift of X (sum_i Q_i = 1), so X is centred on
        // its max first: at |X| ~ 1e4 the uncentred products lose every significant digit.
        const xr = tf.sub(xs, tf.max(xs, 1, true));
        const xc = tf.sub(xs, tf.max(xs, 0, true));
        const sampleTerm = tf.mul(q, tf.sub(tf.sum(tf.mul(xr, q), 1, true), xr));
        const unitTerm = tf.mul(p, tf.sub(tf.sum(tf.mul(xc, p), 0, true), xc));
        return tf.mul(tf.mul(dy, beta * beta), tf.sub(sampleTerm, tf.mul(lambda, unitTerm)));
      },
    };
  });
  return cost(h) as tf.Scalar;
}

function marginalCost(h: tf.Tensor2D, beta: number, lambda: number): tf.Scalar {
  const batch = h.shape[0];
  const logQ = logSoftmaxAlong(tf.mul(h, -beta), 1); // B x K, row l = Q_{., l}
  const meanSampleEntropy = tf.div(entropySum(logQ), batch);
  // ln qbar_i = ln sum_l Q_il - ln B, via log-sum-exp so qbar never becomes log(0).
  const logQbar = tf.sub(tf.logSumExp(logQ, 0), Math.log(batch));
  return tf.sub(meanSampleEntropy, tf.mul(lambda, entropySum(logQbar))) as tf.Scalar;
}
