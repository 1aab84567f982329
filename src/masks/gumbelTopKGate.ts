import * as tf from "@tensorflow/tfjs";
import { assertBooleanOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { checkMaskLogits } from "./checkMaskLogits.js";
import { indicesToMask } from "./topKMask.js";

export interface GumbelTopKGateOptions {
  /** Pixels kept per sample, an integer in [1, H W]. */
  k: number;
  /** true: perturb the logits with seeded Gumbel noise (needs `seed`); false (default): plain top-k. */
  training?: boolean;
  /** Integer seed of the Gumbel noise (training only). */
  seed?: number;
  /** Temperature tau of the relaxation used for the backward pass, > 0. Default 1 (logit units). */
  temperature?: number;
  /**
   * Scale s of the Gumbel noise in training, >= 0 (default 1): scores m + s g, i.e. top-k sampling
   * from softmax(m / s). Logits on a larger scale than 1 need a matching s for the sampling to
   * explore; 0 = deterministic top-k in training too.
   */
  noiseScale?: number;
  /**
   * true (default): the threshold t moves with the scores so that the relaxed mask's sum stays at
   * its value (as a soft top-k's does), which removes from each sample's gradient its
   * slope-weighted mean: pixels compete for the k places. false: t is held constant in the backward
   * pass. On masks-mnist (5% of the pixels, validation digits) true scored 96.2 and 96.5% against 87.6
   * and 87.2% for false (README).
   */
  fixedSum?: boolean;
}

/** Keeps -log(-log u) finite in float32. */
const U_EPS = 1e-6;

/**
 * Gumbel top-k gate (SPEC §1.6): keeps exactly k pixels per sample.
 *
 * Forward: scores s = m + noiseScale g, g = -log(-log u), u ~ U(0, 1) seeded (training; Gumbel-top-k
 * sampling without replacement from softmax(m / noiseScale), Kool et al. 2019), or s = m (test). The mask is 1 on the
 * k highest scores of each sample and 0 elsewhere — exactly k ones even with tied scores (the
 * k indices returned by top-k are scattered, no threshold comparison).
 *
 * Backward (straight-through on a relaxed top-k): the gradient is that of the soft mask
 * sigmoid((s - t) / tau) at the threshold t = (s_(k) + s_(k+1)) / 2 between the k-th and
 * (k+1)-th largest score (t = s_(HW) - tau when k = H W), with slope = sigmoid'((s - t)/tau) / tau:
 * pixels near the cut-off get the most gradient. By default (`fixedSum`) t follows the scores
 * (dt/ds_j = slope_j / sum slope) so the relaxed mask keeps its sum:
 * dL/dm = slope * (dL/dM - sum(slope dL/dM) / sum(slope)), zero-sum per sample.
 * With fixedSum false, t is held constant: dL/dm = dL/dM * slope.
 * The forward value is always exactly binary; only the gradient is relaxed.
 *
 * @param logits mask logits m, B x H x W or B x H x W x 1, finite.
 * @returns binary M of the same shape with exactly k ones per sample.
 */
export function gumbelTopKGate(logits: tf.Tensor, options: GumbelTopKGateOptions): tf.Tensor {
  const where = "gumbelTopKGate";
  checkMaskLogits(logits, where);
  if (options === null || typeof options !== "object") {
    throw new SparsekitError(`${where}: argument 'options' must be { k, training?, seed?, temperature?, noiseScale?, fixedSum? }, got ${String(options)}.`);
  }
  assertKnownOptions(options, where, ["k", "training", "seed", "temperature", "noiseScale", "fixedSum"]);
  const [batch, height, width] = logits.shape;
  const n = height * width;
  const { k, training = false, seed, temperature = 1, noiseScale = 1, fixedSum = true } = options;
  assertNumberOption(k, where, "k", { integer: true, min: 1, max: n });
  assertBooleanOption(training, where, "training");
  assertNumberOption(temperature, where, "temperature", { min: 0, exclusiveMin: true });
  assertNumberOption(noiseScale, where, "noiseScale", { min: 0 });
  assertBooleanOption(fixedSum, where, "fixedSum");
  if (training) {
    if (seed === undefined) throw new SparsekitError(`${where}: option 'seed' is required when training is true (the noise must be reproducible).`);
    assertNumberOption(seed, where, "seed", { integer: true, min: 0 });
  }

  const topKStraightThrough = tf.customGrad((input, save) => {
    const s = input as tf.Tensor2D;
    const { values, indices } = tf.topk(s, Math.min(k + 1, n));
    const hard = indicesToMask(tf.slice(indices, [0, 0], [batch, k]) as tf.Tensor2D, n);
    const kth = tf.slice(values, [0, k - 1], [batch, 1]);
    const threshold = k < n ? tf.div(tf.add(kth, tf.slice(values, [0, k], [batch, 1])), 2) : tf.sub(kth, temperature);
    (save as tf.GradSaveFunc)([s, threshold]);
    return {
      value: hard,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const soft = tf.sigmoid(tf.div(tf.sub(saved[0], saved[1]), temperature));
        const slope = tf.div(tf.mul(soft, tf.sub(1, soft)), temperature);
        const g = tf.mul(dy, slope);
        if (!fixedSum) return g;
        // d t / d s_j = slope_j / sum(slope) keeps sum(sigmoid((s - t) / tau)) constant.
        return tf.sub(g, tf.mul(slope, tf.div(tf.sum(g, 1, true), tf.sum(slope, 1, true))));
      },
    };
  });

  return tf.tidy(() => {
    let scores = tf.reshape(tf.cast(logits, "float32"), [batch, n]);
    if (training) {
      const u = tf.randomUniform([batch, n], U_EPS, 1 - U_EPS, "float32", seed);
      scores = tf.add(scores, tf.mul(noiseScale, tf.neg(tf.log(tf.neg(tf.log(u))))));
    }
    return tf.reshape(topKStraightThrough(scores) as tf.Tensor, logits.shape);
  });
}
