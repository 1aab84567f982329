import * as tf from "@tensorflow/tfjs";
import { meanOfDefined, scoreSlices } from "./sliceScores.js";
import { readTolOption, resolveTol, type ToleranceOptions } from "./tolerance.js";
import { toCodesTensor, type Codes } from "./toCodesTensor.js";
import { trevesRolls } from "./trevesRolls.js";

/**
 * Lifetime sparsity of each unit of codes H (B x K), Treves–Rolls form across samples, SPEC.md §2:
 * `s_k = 1 - (mean_i h_ik)^2 / mean_i(h_ik^2)`.
 *
 * Range [0, 1 - 1/B] for non-negative codes (0 for a unit equally active on every sample,
 * 1 - 1/B for a unit active on one sample only), [0, 1] for signed codes. A dead unit
 * (every |h_ik| <= tol, i.e. one listed by `deadUnitIndices` with the same tol) gives NaN.
 * Options: `tol` as in `fractionZeros` (only decides which units are dead). Returns K plain numbers.
 */
export function lifetimeSparsityPerUnit(h: Codes, opts?: ToleranceOptions): number[] {
  return lifetimePerUnit(h, opts, "lifetimeSparsityPerUnit");
}

/**
 * Lifetime sparsity of codes H (B x K), SPEC.md §2: the Treves–Rolls value
 * `1 - (mean_i h_ik)^2 / mean_i(h_ik^2)` of each unit, averaged over the live units.
 *
 * Dead units (every |h_ik| <= tol) are excluded from the average (count them with `deadUnits`);
 * NaN if every unit is dead. Equals `populationSparsity` of H^T. Range [0, 1 - 1/B] for
 * non-negative codes, [0, 1] for signed codes. Options: `tol` (absolute, >= 0; default
 * 1e-6 x max |h|).
 */
export function lifetimeSparsity(h: Codes, opts?: ToleranceOptions): number {
  return meanOfDefined(lifetimePerUnit(h, opts, "lifetimeSparsity"));
}

function lifetimePerUnit(h: Codes, opts: ToleranceOptions | undefined, where: string): number[] {
  const tolOpt = readTolOption(opts, where);
  return tf.tidy(() => {
    const t = toCodesTensor(h, where);
    return scoreSlices(t, 0, resolveTol(t, tolOpt), trevesRolls);
  });
}
