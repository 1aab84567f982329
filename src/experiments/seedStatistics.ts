import { SparsekitError } from "../validation/SparsekitError.js";

/** Mean and spread of one number measured once per seed. */
export interface SeedSummary {
  /** Mean over the finite values (NaN if none). */
  mean: number;
  /** Sample standard deviation (divisor n - 1) over the finite values; 0 for one value, NaN for none. */
  std: number;
  /** Number of finite values averaged. */
  n: number;
  /** Every value, in seed order, non-finite ones included (a diverged or silent run stays visible). */
  runs: number[];
}

/**
 * Mean ± sample standard deviation across seeds, with the same divisor (n - 1) as
 * errorBandChart, so tables and plots agree. Non-finite values (a diverged run, the NaN Hoyer of
 * an all-silent code) are left out of mean and std and counted by `n < runs.length`.
 */
export function summarizeSeeds(values: readonly number[]): SeedSummary {
  if (!Array.isArray(values) || values.length === 0) {
    throw new SparsekitError(`summarizeSeeds: argument 'values' must be a non-empty array of numbers, got ${Array.isArray(values) ? "an empty array" : typeof values}.`);
  }
  values.forEach((v, i) => {
    if (typeof v !== "number") throw new SparsekitError(`summarizeSeeds: argument 'values' must hold numbers, got ${typeof v} at index ${i}.`);
  });
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  const mean = n ? finite.reduce((a, b) => a + b, 0) / n : NaN;
  const std = n === 0 ? NaN : n === 1 ? 0 : Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, std, n, runs: [...values] };
}

/** "0.512 ± 0.013" (or "0.512 ± 0.013 (n=2/3)" when some seeds were non-finite; "NaN" when none was finite). */
export function formatSeedSummary(s: SeedSummary, digits = 3): string {
  if (s.n === 0) return "NaN";
  const text = `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`;
  return s.n < s.runs.length ? `${text} (n=${s.n}/${s.runs.length})` : text;
}
