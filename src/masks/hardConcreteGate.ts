import * as tf from "@tensorflow/tfjs";
import { resolveHardConcreteParams, type HardConcreteParams } from "../objectives/hardConcreteExpectedL0.js";
import { assertBooleanOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { checkMaskLogits } from "./checkMaskLogits.js";

export interface HardConcreteGateOptions extends Partial<HardConcreteParams> {
  /** true: a reparameterised random sample (needs `seed`); false (default): the deterministic test-time gate. */
  training?: boolean;
  /** Integer seed of the uniform noise (training only); the same seed gives the same sample. */
  seed?: number;
}

/** Keeps log(u) and log(1 - u) finite in float32. */
const U_EPS = 1e-6;

/**
 * Hard Concrete gate (SPEC §1.6; Louizos, Welling & Kingma 2018, §4.2), with log_alpha = the logits:
 * - training: u ~ U(0, 1) (seeded), s = sigmoid((log u - log(1 - u) + log_alpha) / beta),
 *   z = clip(s (zeta - gamma) + gamma, 0, 1) — a sample that is exactly 0 or 1 with positive
 *   probability, differentiable in log_alpha (reparameterisation);
 * - test (training false): z = clip(sigmoid(log_alpha) (zeta - gamma) + gamma, 0, 1), deterministic
 *   (the paper's estimator). It is exactly 0 for log_alpha <= log(-gamma / zeta) (~ -2.40 with the
 *   defaults), exactly 1 for log_alpha >= log((1 - gamma) / (zeta - 1)) (~ +2.40), in between otherwise.
 * P(z != 0) is given in closed form by hardConcreteExpectedL0 (src/objectives).
 *
 * @param logits log_alpha, B x H x W or B x H x W x 1, finite.
 * @param options training, seed (integer >= 0, required when training), beta, gamma, zeta.
 * @returns z in [0, 1], same shape.
 */
export function hardConcreteGate(logits: tf.Tensor, options: HardConcreteGateOptions = {}): tf.Tensor {
  const where = "hardConcreteGate";
  checkMaskLogits(logits, where);
  assertKnownOptions(options, where, ["training", "seed", "beta", "gamma", "zeta"]);
  const { training = false, seed, ...rest } = options;
  assertBooleanOption(training, where, "training");
  const { beta, gamma, zeta } = resolveHardConcreteParams(rest, where);
  if (training) {
    if (seed === undefined) throw new SparsekitError(`${where}: option 'seed' is required when training is true (the noise must be reproducible).`);
    assertNumberOption(seed, where, "seed", { integer: true, min: 0 });
  }
  return tf.tidy(() => {
    const logAlpha = tf.cast(logits, "float32");
    let s: tf.Tensor;
    if (training) {
      const u = tf.randomUniform(logAlpha.shape, U_EPS, 1 - U_EPS, "float32", seed);
      const logistic = tf.sub(tf.log(u), tf.log(tf.sub(1, u)));
      s = tf.sigmoid(tf.div(tf.add(logistic, logAlpha), beta));
    } else {
      s = tf.sigmoid(logAlpha);
    }
    return tf.clipByValue(tf.add(tf.mul(s, zeta - gamma), gamma), 0, 1);
  });
}
