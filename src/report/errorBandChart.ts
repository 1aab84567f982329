import type { TopLevelSpec } from "vega-lite";
import { SparsekitError } from "../validation/SparsekitError.js";
import {
  asSpec,
  assertAllFinite,
  chartFrame,
  checkSeriesNames,
  countNote,
  definedNotes,
  integerAxis,
  readNumbers,
  type ChartOptions,
} from "./chartBase.js";

/**
 * One curve with spread: either `runs` (one y array per seed, all the same length) from which the
 * mean and standard deviation are computed, or precomputed `mean` and `std` arrays.
 */
export type BandSeries =
  | { name: string; runs: readonly ArrayLike<number>[]; x?: ArrayLike<number> }
  | { name: string; mean: ArrayLike<number>; std: ArrayLike<number>; x?: ArrayLike<number> };

export type ErrorBandChartOptions = ChartOptions;

/** Mean and sample standard deviation (n - 1; 0 for a single run) at each x; null if any run is non-finite there. */
function meanStd(runs: number[][]): { mean: (number | null)[]; std: (number | null)[] } {
  const n = runs.length;
  const len = runs[0].length;
  const mean: (number | null)[] = [];
  const std: (number | null)[] = [];
  for (let i = 0; i < len; i++) {
    const col = runs.map((r) => r[i]);
    if (col.some((v) => !Number.isFinite(v))) {
      mean.push(null);
      std.push(null);
      continue;
    }
    const m = col.reduce((a, b) => a + b, 0) / n;
    const v = n > 1 ? col.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1) : 0;
    mean.push(m);
    std.push(Math.sqrt(v));
  }
  return { mean, std };
}

/**
 * Mean curve with a shaded band of mean ± 1 standard deviation across seeds, one colour per series.
 * With `runs`, std is the sample standard deviation (divisor n - 1). A point where any seed is
 * NaN/Infinity is a gap (a diverged seed is shown, not averaged away); the subtitle counts gaps and
 * gives the number of runs. Returns a Vega-Lite spec.
 */
export function errorBandChart(series: readonly BandSeries[], options: ErrorBandChartOptions = {}): TopLevelSpec {
  const where = "errorBandChart";
  if (!Array.isArray(series) || series.length === 0) {
    throw new SparsekitError(`${where}: argument 'series' must be a non-empty array of { name, runs } or { name, mean, std }.`);
  }
  checkSeriesNames(series.map((s) => s?.name), where, "series");
  const rows: { series: string; x: number; mean: number | null; lo: number | null; hi: number | null }[] = [];
  let gaps = 0;
  const runCounts: string[] = [];
  series.forEach((s, k) => {
    let mean: (number | null)[];
    let std: (number | null)[];
    if ("runs" in s && s.runs !== undefined) {
      const runsArg: unknown = s.runs;
      if (!Array.isArray(runsArg) || runsArg.length === 0) {
        throw new SparsekitError(`${where}: argument 'series[${k}].runs' must be a non-empty array of number arrays.`);
      }
      const runs = (runsArg as unknown[]).map((r, j) => readNumbers(r, where, `series[${k}].runs[${j}]`));
      runs.forEach((r, j) => {
        if (r.length !== runs[0].length) {
          throw new SparsekitError(
            `${where}: argument 'series[${k}].runs' must hold runs of equal length, got ${runs[0].length} (run 0) and ${r.length} (run ${j}).`,
          );
        }
      });
      ({ mean, std } = meanStd(runs));
      runCounts.push(`${s.name}: n = ${runs.length}`);
    } else if ("mean" in s && "std" in s) {
      const m = readNumbers(s.mean, where, `series[${k}].mean`);
      const d = readNumbers(s.std, where, `series[${k}].std`);
      if (d.length !== m.length) {
        throw new SparsekitError(`${where}: argument 'series[${k}].std' must have the length of mean (${m.length}), got ${d.length}.`);
      }
      d.forEach((v, i) => {
        if (v < 0) throw new SparsekitError(`${where}: argument 'series[${k}].std' must be >= 0, got ${v} at index ${i}.`);
      });
      mean = m.map((v, i) => (Number.isFinite(v) && Number.isFinite(d[i]) ? v : null));
      std = d.map((v, i) => (Number.isFinite(v) && Number.isFinite(m[i]) ? v : null));
    } else {
      throw new SparsekitError(`${where}: argument 'series[${k}]' must have either 'runs' or both 'mean' and 'std'.`);
    }
    const x = s.x === undefined ? mean.map((_, i) => i) : readNumbers(s.x, where, `series[${k}].x`);
    if (x.length !== mean.length) {
      throw new SparsekitError(`${where}: argument 'series[${k}].x' must have the length of the curve (${mean.length}), got ${x.length}.`);
    }
    assertAllFinite(x, where, `series[${k}].x`);
    mean.forEach((m, i) => {
      const sd = std[i];
      if (m === null || sd === null) gaps++;
      rows.push({
        series: s.name,
        x: x[i],
        mean: m,
        lo: m === null || sd === null ? null : m - sd,
        hi: m === null || sd === null ? null : m + sd,
      });
    });
  });
  const notes = definedNotes(runCounts.length ? runCounts.join(", ") : undefined, countNote(gaps, "non-finite point"));
  const frame = chartFrame(options, where, [], notes);
  const color = { field: "series", type: "nominal", title: null, sort: series.map((s) => s.name) };
  const x = { field: "x", type: "quantitative", title: options.xTitle ?? "x", axis: integerAxis(rows.map((r) => r.x)) };
  return asSpec({
    ...frame,
    data: { values: rows },
    layer: [
      {
        mark: { type: "area", opacity: 0.22 },
        encoding: {
          x,
          y: { field: "lo", type: "quantitative", title: options.yTitle ?? "mean ± std", scale: { zero: false } },
          y2: { field: "hi" },
          color,
        },
      },
      {
        mark: { type: "line", strokeWidth: 2 },
        encoding: { x, y: { field: "mean", type: "quantitative" }, color },
      },
    ],
  });
}
