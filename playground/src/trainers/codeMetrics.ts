import * as tf from "@tensorflow/tfjs";
import { deadUnits, fractionZeros, hoyerSparsity, meanActiveUnits } from "../core.js";

/** What the metric keys of {@link codeMetrics} mean, for the table on the page. */
export function codeMetricLabels(tol: number): Record<string, string> {
  const active = tol > 0 ? `h > ${tol}` : "h ≠ 0";
  return {
    fractionZeros: `fraction of zeros (active: ${active})`,
    hoyer: "Hoyer sparsity (0 dense … 1 one-hot)",
    l0: "L0: mean active units per sample",
    deadUnits: "dead units (never active)",
    meanActivation: "mean activation ρ̂",
  };
}

/**
 * Sparsity metrics of held-out codes (src/metrics), plus their values for the histogram. The codes
 * are first read back asynchronously, so the metrics' own read-backs find the GPU idle.
 * `tol` is the activity threshold (sigmoid codes count as active above 0.1, as in the reports).
 */
export async function codeMetrics(codes: tf.Tensor2D, tol: number): Promise<{ metrics: Record<string, number>; values: Float32Array }> {
  const values = (await codes.data()) as Float32Array;
  const opts = tol > 0 ? { tol } : {};
  let sum = 0;
  for (const v of values) sum += v;
  return {
    metrics: {
      fractionZeros: fractionZeros(codes, opts),
      hoyer: hoyerSparsity(codes),
      l0: meanActiveUnits(codes, opts),
      deadUnits: deadUnits(codes, opts),
      meanActivation: sum / values.length,
    },
    values,
  };
}

/** Rows of a [count, side*side] tensor as tiles (at most `max`). */
export async function rowsAsTiles(t: tf.Tensor2D, max: number): Promise<Float32Array[]> {
  const n = Math.min(max, t.shape[0]);
  const d = t.shape[1];
  const data = (await t.data()) as Float32Array;
  return Array.from({ length: n }, (_, i) => data.slice(i * d, (i + 1) * d));
}
