import * as tf from "@tensorflow/tfjs";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { toCodesTensor, type Codes } from "./toCodesTensor.js";

/** Options shared by every metric: the activity threshold. */
export interface ToleranceOptions {
  /**
   * Absolute threshold: an entry with |h| <= tol counts as zero (inactive). Must be finite and
   * >= 0. Default: DEFAULT_RELATIVE_TOL x max |h| over all of H (see `defaultTol`).
   */
  tol?: number;
}

/** Default tol relative to the largest |h|: entries below it are float32 noise next to the peak. */
export const DEFAULT_RELATIVE_TOL = 1e-6;

/** Validates `{ tol? }` (unknown keys, negative or non-finite tol are errors); undefined = default. */
export function readTolOption(opts: unknown, where: string): number | undefined {
  assertKnownOptions(opts as object | undefined, where, ["tol"]);
  const tol = (opts as ToleranceOptions | undefined)?.tol;
  if (tol === undefined) return undefined;
  assertNumberOption(tol, where, "tol", { min: 0 });
  return tol;
}

/**
 * The threshold actually applied to a validated float32 codes tensor: `tol` if given, else
 * DEFAULT_RELATIVE_TOL x max|h| (0 when H is all zero, so only exact zeros count as zero).
 * Rounded to float32 because that is how it is compared with the codes, so callers see the
 * exact value in use. Reads back one number.
 */
export function resolveTol(t: tf.Tensor2D, tol: number | undefined): number {
  if (tol !== undefined) return Math.fround(tol);
  const maxAbs = tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);
  return Math.fround(DEFAULT_RELATIVE_TOL * maxAbs);
}

/**
 * Default activity threshold for codes H (B x K): `1e-6 * max_{i,k} |h_ik|` (SPEC.md §2), rounded to
 * float32. It is the tol every metric uses when the caller passes none. Range [0, ~3.4e32].
 */
export function defaultTol(h: Codes): number {
  const where = "defaultTol";
  return tf.tidy(() => resolveTol(toCodesTensor(h, where), undefined));
}
