import * as tf from "@tensorflow/tfjs";
import { createRng, type Seed } from "../random/index.js";
import { assertNumberOption } from "../validation/optionChecks.js";

/**
 * Random-mask baseline (SPEC §5.7): for each of `batch` samples, exactly k pixels of an
 * height x width image drawn uniformly without replacement (a partial Fisher-Yates shuffle from a
 * seeded Rng, so the same seed gives the same masks on every backend).
 *
 * @returns binary mask [batch, height, width, 1] with exactly k ones per sample.
 */
export function randomPixelMask(batch: number, height: number, width: number, k: number, seed: Seed): tf.Tensor4D {
  const where = "randomPixelMask";
  assertNumberOption(batch, where, "batch", { integer: true, min: 1 });
  assertNumberOption(height, where, "height", { integer: true, min: 1 });
  assertNumberOption(width, where, "width", { integer: true, min: 1 });
  const n = height * width;
  assertNumberOption(k, where, "k", { integer: true, min: 1, max: n });
  const rng = createRng(seed, where);
  const values = new Float32Array(batch * n);
  const order = new Int32Array(n);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(n - i);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
      values[b * n + order[i]] = 1;
    }
  }
  return tf.tensor4d(values, [batch, height, width, 1]);
}
