import { SparsekitError } from "../validation/SparsekitError.js";
import { leastSquaresSlope } from "./leastSquaresSlope.js";
import { summarizeSeeds, type SeedSummary } from "./seedStatistics.js";

/** Direction of a trend across seeds: every seed's slope > 0, every one < 0, or neither. */
export type TrendDirection = "rises" | "falls" | "mixed";

export interface SeedTrend {
  /** Least-squares slope of y on x for each seed (NaN if a seed has < 2 finite points). */
  slopes: number[];
  /** Mean ± std of the finite slopes. */
  slope: SeedSummary;
  /** "rises" / "falls" only when every seed agrees (a claim that holds for one seed only is not counted). */
  direction: TrendDirection;
}

/**
 * Per-seed least-squares slope of a measurement against x (e.g. sparsity against log2 width),
 * summarised across seeds. `runs[s][i]` is seed s's value at `x[i]`.
 */
export function seedTrend(x: readonly number[], runs: readonly (readonly number[])[]): SeedTrend {
  if (!Array.isArray(runs) || runs.length === 0) {
    throw new SparsekitError(`seedTrend: argument 'runs' must be a non-empty array (one array per seed), got ${Array.isArray(runs) ? "an empty array" : typeof runs}.`);
  }
  const slopes = runs.map((r, s) => {
    if (r.length !== x.length) throw new SparsekitError(`seedTrend: argument 'runs[${s}]' must have ${x.length} values (one per x), got ${r.length}.`);
    return leastSquaresSlope(x, r);
  });
  const allFinite = slopes.every((v) => Number.isFinite(v));
  const direction: TrendDirection = allFinite && slopes.every((v) => v > 0) ? "rises" : allFinite && slopes.every((v) => v < 0) ? "falls" : "mixed";
  return { slopes, slope: summarizeSeeds(slopes), direction };
}
