import * as tf from "@tensorflow/tfjs";
import { assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertBatchSize, assertFinite, assertTensor } from "../validation/tensorChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";

/** Kinds of input corruption for denoising autoencoders. */
export const CORRUPTION_KINDS = ["gaussian", "masking"] as const;
export type CorruptionKind = (typeof CORRUPTION_KINDS)[number];

export interface CorruptInputOptions {
  /** "gaussian": add level * N(0, 1); "masking": set each entry to 0 with probability level. */
  kind: CorruptionKind;
  /** Noise standard deviation (gaussian, >= 0) or drop probability (masking, in [0, 1)). */
  level: number;
  /** Integer seed of the noise draw: the same seed gives the same corruption. */
  seed: number;
}

const WHERE = "corruptInput";

/**
 * Corrupted copy of a batch for a denoising autoencoder (SPEC §1.3, §3; Vincent et al. 2008):
 * - gaussian: `x~ = x + level * eps`, eps ~ N(0, 1) i.i.d.;
 * - masking:  `x~ = x * m`, m_ij ~ Bernoulli(1 - level) (entries dropped to 0, no rescaling, so the
 *   decoder learns to fill them in).
 * `x` is any non-empty tensor (e.g. B x D or B x H x W x C); the result has its shape. `level = 0`
 * returns an unchanged copy. The caller owns the returned tensor. Not differentiable w.r.t. the
 * noise; the reconstruction target stays the clean `x`.
 */
export function corruptInput(x: tf.Tensor, options: CorruptInputOptions): tf.Tensor {
  assertTensor(x, WHERE, "x");
  if (x.rank === 0) throw new SparsekitError(`${WHERE}: argument 'x' must be a tensor with a batch dimension, got a scalar.`);
  assertBatchSize(x, WHERE, "x");
  assertFinite(x, WHERE, "x");
  if (options === null || typeof options !== "object") {
    throw new SparsekitError(`${WHERE}: argument 'options' must be { kind, level, seed }, got ${String(options)}.`);
  }
  assertKnownOptions(options, WHERE, ["kind", "level", "seed"]);
  assertEnumOption(options.kind, WHERE, "kind", CORRUPTION_KINDS);
  if (options.kind === "masking") assertNumberOption(options.level, WHERE, "level", { min: 0, max: 1, exclusiveMax: true });
  else assertNumberOption(options.level, WHERE, "level", { min: 0 });
  assertNumberOption(options.seed, WHERE, "seed", { integer: true, min: 0 });
  const { kind, level, seed } = options;
  return tf.tidy(() => {
    const xf = tf.cast(x, "float32");
    if (level === 0) return tf.clone(xf);
    if (kind === "gaussian") return tf.add(xf, tf.randomNormal(x.shape, 0, level, "float32", seed));
    const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, "float32", seed), level), "float32");
    return tf.mul(xf, keep);
  });
}
