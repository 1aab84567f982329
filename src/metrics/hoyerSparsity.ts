import * as tf from "@tensorflow/tfjs";
import { meanOfDefined, scoreSlices } from "./sliceScores.js";
import { readTolOption, resolveTol, type ToleranceOptions } from "./tolerance.js";
import { toCodesTensor, type Codes } from "./toCodesTensor.js";

const WHY_K = "Hoyer sparsity divides by sqrt(K) - 1, which is 0 for K = 1";

/**
 * Hoyer sparsity of each sample of codes H (B x K), SPEC.md §2:
 * `s_i = (sqrt(K) - ||h_i||_1 / ||h_i||_2) / (sqrt(K) - 1)`.
 *
 * Range [0, 1]: 1 for a one-hot row, 0 for a constant non-zero row; invariant to scaling a row by
 * c != 0, to the sign of entries and to permuting units. A silent row (every |h_ik| <= tol; by
 * default the all-zero rows) has no defined value and gives NaN — count them with
 * `filter(Number.isNaN)`. Options: `tol` as in `fractionZeros` (it only decides silence; the
 * formula uses the raw values). Requires K >= 2. Returns B plain numbers.
 */
export function hoyerSparsityPerSample(h: Codes, opts?: ToleranceOptions): number[] {
  return hoyerPerSample(h, opts, "hoyerSparsityPerSample");
}

/**
 * Hoyer sparsity of codes H (B x K) averaged over samples, SPEC.md §2:
 * `mean_i (sqrt(K) - ||h_i||_1 / ||h_i||_2) / (sqrt(K) - 1)` over the non-silent rows.
 *
 * Silent rows (every |h_ik| <= tol; by default the all-zero rows) are excluded from the average,
 * not counted as 0 or 1; NaN if every row is silent. `hoyerSparsityPerSample` shows which rows were
 * excluded (NaN entries). Range [0, 1]. Options: `tol` (absolute, >= 0; default 1e-6 x max |h|).
 * Requires K >= 2.
 */
export function hoyerSparsity(h: Codes, opts?: ToleranceOptions): number {
  return meanOfDefined(hoyerPerSample(h, opts, "hoyerSparsity"));
}

function hoyerPerSample(h: Codes, opts: ToleranceOptions | undefined, where: string): number[] {
  const tolOpt = readTolOption(opts, where);
  return tf.tidy(() => {
    const t = toCodesTensor(h, where, { minUnits: 2, why: WHY_K });
    const tol = resolveTol(t, tolOpt);
    const rootK = Math.sqrt(t.shape[1]);
    return scoreSlices(t, 1, tol, (x, axis) =>
      tf.tidy(() => {
        const ratio = tf.div(tf.sum(tf.abs(x), axis), tf.norm(x, 2, axis));
        return tf.div(tf.sub(rootK, ratio), rootK - 1) as tf.Tensor1D;
      }),
    );
  });
}
