import * as tf from "@tensorflow/tfjs";
import { meanOfDefined, scoreSlices } from "./sliceScores.js";
import { readTolOption, resolveTol, type ToleranceOptions } from "./tolerance.js";
import { toCodesTensor, type Codes } from "./toCodesTensor.js";
import { trevesRolls } from "./trevesRolls.js";

/**
 * Population sparsity of each sample of codes H (B x K), Treves–Rolls form across units, SPEC.md §2:
 * `s_i = 1 - (mean_k h_ik)^2 / mean_k(h_ik^2)`.
 *
 * Range [0, 1 - 1/K] for non-negative codes (0 for a constant row, 1 - 1/K for a one-hot row),
 * [0, 1] for signed codes. A silent row (every |h_ik| <= tol; by default the all-zero rows) gives
 * NaN. Options: `tol` as in `fractionZeros` (only decides silence). Returns B plain numbers.
 */
export function populationSparsityPerSample(h: Codes, opts?: ToleranceOptions): number[] {
  return populationPerSample(h, opts, "populationSparsityPerSample");
}

/**
 * Population sparsity of codes H (B x K), SPEC.md §2: the Treves–Rolls value
 * `1 - (mean_k h_ik)^2 / mean_k(h_ik^2)` of each sample, averaged over the non-silent samples.
 *
 * Silent rows (every |h_ik| <= tol; by default the all-zero rows) are excluded from the average
 * (same convention as `hoyerSparsity`); NaN if every row is silent. Range [0, 1 - 1/K] for
 * non-negative codes, [0, 1] for signed codes. Options: `tol` (absolute, >= 0; default
 * 1e-6 x max |h|).
 */
export function populationSparsity(h: Codes, opts?: ToleranceOptions): number {
  return meanOfDefined(populationPerSample(h, opts, "populationSparsity"));
}

function populationPerSample(h: Codes, opts: ToleranceOptions | undefined, where: string): number[] {
  const tolOpt = readTolOption(opts, where);
  return tf.tidy(() => {
    const t = toCodesTensor(h, where);
    return scoreSlices(t, 1, resolveTol(t, tolOpt), trevesRolls);
  });
}
