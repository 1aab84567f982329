import * as tf from "@tensorflow/tfjs";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { checkCodes } from "../validation/tensorChecks.js";

export interface NormalizeForSigmoidOptions {
  /** Truncation at ± this many standard deviations (default 3). */
  stds?: number;
  /** Output range [low, high] (default [0.1, 0.9]). */
  low?: number;
  high?: number;
}

/**
 * The classic sparse-autoencoder patch normalisation (UFLDL sampleIMAGES; SPEC.md §1.2): remove
 * each patch's mean, truncate to ±(stds * s) where s is the standard deviation of all entries
 * after mean removal, and map linearly into [low, high]:
 * `out = low + (high - low) * (clip(x_c, -t, t) / t + 1) / 2`, t = stds * s.
 * The default [0.1, 0.9] keeps targets inside the range a sigmoid decoder can reach.
 * x: [n, d] -> [n, d] float32 in [low, high]; a patch mean of zero maps to (low + high) / 2.
 */
export function normalizeForSigmoid(x: tf.Tensor2D, opts: NormalizeForSigmoidOptions = {}): tf.Tensor2D {
  const where = "normalizeForSigmoid";
  checkCodes(x, where, "x", { rank: 2, meaning: "n x d: one patch per row" });
  assertKnownOptions(opts, where, ["stds", "low", "high"]);
  const stds = opts.stds ?? 3;
  const low = opts.low ?? 0.1;
  const high = opts.high ?? 0.9;
  assertNumberOption(stds, where, "stds", { min: 0, exclusiveMin: true });
  assertNumberOption(low, where, "low");
  assertNumberOption(high, where, "high");
  if (!(high > low)) throw new SparsekitError(`${where}: option 'high' must be greater than 'low', got low ${low} and high ${high}.`);
  return tf.tidy(() => {
    const centred = tf.sub(x, tf.mean(x, 1, true));
    const s = tf.sqrt(tf.mean(tf.square(centred))).dataSync()[0];
    if (!(s > 0)) {
      throw new SparsekitError(`${where}: argument 'x' must vary within its patches; after removing each patch's mean all entries are 0.`);
    }
    const t = stds * s;
    const unit = tf.div(tf.clipByValue(centred, -t, t), t);
    return tf.add(tf.mul(tf.add(unit, 1), (high - low) / 2), low) as tf.Tensor2D;
  });
}
