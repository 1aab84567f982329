import * as tf from "@tensorflow/tfjs";
import { batchEntropy, type BatchTerm } from "../objectives/batchEntropy.js";

/**
 * The two terms semi-supervised LCA adds to the sparse-coding energy (SPEC §3, seed 004
 * eq. 15–17), for one batch of codes A (B x M):
 * `E_extra(A) = lambda_e C(A) + gamma sum_l m_l CE(softmax(W^T n(a_l) + bias), y_l)`,
 * with C the batch entropy of SPEC §1.5 taken over the M atoms and the B samples of the batch,
 * m_l = 1 for labelled samples (0 otherwise) and `n(a) = a / sqrt(||a||^2 + eps^2)` the
 * normalised code. eps > 0 guards ||a|| = 0 (every code is 0 when inference starts) and bounds
 * the gradient there at `W (yhat - y) / eps`; for ||a|| >> eps, n(a) = a / ||a||.
 */
export interface SemiSupervisedTerms {
  /** lambda_e >= 0: weight of the batch entropy C(A); 0 switches the term off. */
  entropyWeight: number;
  /** beta of batchEntropy (inverse temperature; -1: Q = softmax(a) over atoms). */
  entropyBeta: number;
  /** lambda of batchEntropy (weight of its batch term inside C). */
  entropyLambda: number;
  /** batchTerm of batchEntropy: "perUnit" (seed 004) or "marginal". */
  batchTerm: BatchTerm;
  /** gamma >= 0: weight of the classification cross-entropy; 0 switches the term off. */
  gamma: number;
  /** Classifier weights W, M x C (logits = n(a) W + bias). */
  weights: tf.Tensor2D;
  /** Classifier bias, length C. */
  bias: tf.Tensor1D;
  /** One-hot targets, B x C (rows of unlabelled samples are ignored). */
  targets: tf.Tensor2D;
  /** 1 for labelled samples, 0 for unlabelled ones, shape B x 1. */
  mask: tf.Tensor2D;
  /** eps > 0 of the normalisation n(a). */
  normEpsilon: number;
}

/** Row-wise `n(a) = a / sqrt(||a||^2 + eps^2)` of codes B x M (the classifier's input). */
export function normalizeCodes(codes: tf.Tensor2D, eps: number): tf.Tensor2D {
  return tf.tidy(() => tf.div(codes, tf.sqrt(tf.add(tf.sum(tf.square(codes), 1, true), eps * eps))) as tf.Tensor2D);
}

/** Classifier logits `n(a) W + bias` (B x C) of codes B x M. */
export function codeLogits(codes: tf.Tensor2D, weights: tf.Tensor2D, bias: tf.Tensor1D, eps: number): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(normalizeCodes(codes, eps), weights), bias) as tf.Tensor2D);
}

/**
 * Summed (not averaged) cross-entropy of the labelled rows: `sum_l m_l (logsumexp(z_l) - <y_l, z_l>)`
 * for logits z (B x C), one-hot targets y (B x C) and mask m (B x 1). Scalar.
 */
export function maskedCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const perSample = tf.sub(tf.logSumExp(logits, 1, true), tf.sum(tf.mul(targets, logits), 1, true));
    return tf.sum(tf.mul(perSample, mask)) as tf.Scalar;
  });
}

/**
 * `E_extra(A)` (see {@link SemiSupervisedTerms}) as a scalar built from differentiable tfjs ops:
 * the reference the analytic gradient is tested against, and the extra part of the recorded energy.
 * Inputs are not validated (inner loop); SemiSupervisedLca checks them. With entropyWeight > 0 the
 * batch needs B >= 2 (batchEntropy throws otherwise).
 */
export function semiSupervisedExtraEnergy(codes: tf.Tensor2D, terms: SemiSupervisedTerms): tf.Scalar {
  return tf.tidy(() => {
    let energy: tf.Scalar = tf.scalar(0);
    if (terms.entropyWeight > 0) {
      const c = batchEntropy(codes, { beta: terms.entropyBeta, lambda: terms.entropyLambda, batchTerm: terms.batchTerm });
      energy = tf.add(energy, tf.mul(terms.entropyWeight, c));
    }
    if (terms.gamma > 0) {
      const ce = maskedCrossEntropy(codeLogits(codes, terms.weights, terms.bias, terms.normEpsilon), terms.targets, terms.mask);
      energy = tf.add(energy, tf.mul(terms.gamma, ce));
    }
    return energy;
  });
}

/**
 * `dE_extra/dA` (B x M), the term semi-supervised LCA subtracts in its membrane update
 * `u += (1/tau)(b - u - G a - dE_extra/da)` (seed 004 eq. 17; SPEC §3).
 * - Classification part, in closed form: with `s = sqrt(||a||^2 + eps^2)` and
 *   `g = m (softmax(n(a) W + bias) - y) W^T` (the seed's W^T (yhat - y)),
 *   `d CE / d a = g / s - a (a . g) / s^3` (the Jacobian of n(a) is I/s - a a^T / s^3).
 * - Entropy part: tf.grad of batchEntropy, whose backward pass is its analytic seed eq. 14
 *   (perUnit) or autodiff (marginal).
 * A zero matrix when both weights are 0. Not validated (inner loop). Caller disposes.
 */
export function semiSupervisedExtraGradient(codes: tf.Tensor2D, terms: SemiSupervisedTerms): tf.Tensor2D {
  return tf.tidy(() => {
    let grad: tf.Tensor2D = tf.zerosLike(codes);
    if (terms.gamma > 0) {
      const s2 = tf.add(tf.sum(tf.square(codes), 1, true), terms.normEpsilon * terms.normEpsilon);
      const s = tf.sqrt(s2);
      const yhat = tf.softmax(tf.add(tf.matMul(tf.div(codes, s), terms.weights), terms.bias));
      const g = tf.matMul(tf.mul(tf.sub(yhat, terms.targets), terms.mask), terms.weights, false, true);
      const along = tf.div(tf.sum(tf.mul(codes, g), 1, true), tf.mul(s2, s));
      grad = tf.add(grad, tf.mul(terms.gamma, tf.sub(tf.div(g, s), tf.mul(codes, along))));
    }
    if (terms.entropyWeight > 0) {
      const options = { beta: terms.entropyBeta, lambda: terms.entropyLambda, batchTerm: terms.batchTerm };
      const dc = tf.grad((h: tf.Tensor) => batchEntropy(h, options))(codes);
      grad = tf.add(grad, tf.mul(terms.entropyWeight, dc));
    }
    return grad;
  });
}
