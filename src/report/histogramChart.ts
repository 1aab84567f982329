import type { TopLevelSpec } from "vega-lite";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBooleanOption, assertNumberOption } from "../validation/optionChecks.js";
import { asSpec, chartFrame, countNote, definedNotes, readNumbers, type ChartOptions } from "./chartBase.js";

export interface HistogramChartOptions extends ChartOptions {
  /** Number of equal-width bins, 1..1000. Default 40. */
  bins?: number;
  /** Fixed [lo, hi] range (e.g. [0, 1] for sigmoid activations); values outside are counted and omitted. */
  domain?: readonly [number, number];
  /** Symmetric-log count axis, so one huge bin (exact zeros of ReLU codes) does not flatten the rest. */
  logY?: boolean;
}

/** Bin counts as computed by histogramChart: bin i covers [edges[i], edges[i+1]), the last bin is closed. */
export function histogramBins(values: readonly number[], bins: number, lo: number, hi: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (const v of values) {
    if (!(v >= lo && v <= hi)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  return counts;
}

/**
 * Histogram of values (e.g. hidden activations), binned here rather than by Vega-Lite so the spec
 * holds `bins` rows instead of every value. The range is `domain` or [min, max] of the finite values
 * (widened by ±0.5 if all are equal). NaN/±Infinity and out-of-range values are omitted and counted
 * in the subtitle, which also gives n. Returns a Vega-Lite spec.
 */
export function histogramChart(values: ArrayLike<number>, options: HistogramChartOptions = {}): TopLevelSpec {
  const where = "histogramChart";
  const all = readNumbers(values, where, "values");
  const bins = options.bins ?? 40;
  assertNumberOption(bins, where, "bins", { min: 1, max: 1000, integer: true });
  const logY = options.logY ?? false;
  assertBooleanOption(logY, where, "logY");
  const finite = all.filter((v) => Number.isFinite(v));
  if (finite.length === 0) {
    throw new SparsekitError(`${where}: argument 'values' must contain at least one finite value, got ${all.length} non-finite.`);
  }
  let lo: number;
  let hi: number;
  if (options.domain !== undefined) {
    const d = options.domain;
    if (!Array.isArray(d) || d.length !== 2 || !Number.isFinite(d[0]) || !Number.isFinite(d[1]) || !(d[0] < d[1])) {
      throw new SparsekitError(`${where}: option 'domain' must be [lo, hi] with finite lo < hi, got ${JSON.stringify(d)}.`);
    }
    [lo, hi] = d;
  } else {
    lo = finite.reduce((a, b) => Math.min(a, b), Infinity);
    hi = finite.reduce((a, b) => Math.max(a, b), -Infinity);
    if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
  }
  const counts = histogramBins(finite, bins, lo, hi);
  const inRange = counts.reduce((a, b) => a + b, 0);
  const width = (hi - lo) / bins;
  const rows = counts.map((count, i) => ({ start: lo + i * width, end: i === bins - 1 ? hi : lo + (i + 1) * width, count }));
  const notes = definedNotes(
    `n = ${inRange}`,
    countNote(all.length - finite.length, "non-finite value"),
    countNote(finite.length - inRange, "value outside the range"),
  );
  const frame = chartFrame(options, where, ["bins", "domain", "logY"], notes);
  return asSpec({
    ...frame,
    data: { values: rows },
    mark: { type: "bar", color: "#4c78a8", stroke: "white", strokeWidth: bins > 100 ? 0 : 0.5 },
    encoding: {
      x: { field: "start", type: "quantitative", title: options.xTitle ?? "value", scale: { domain: [lo, hi], nice: false, zero: false } },
      x2: { field: "end" },
      y: { field: "count", type: "quantitative", title: options.yTitle ?? "count", scale: logY ? { type: "symlog" } : {} },
      // Both x and x2 make Vega-Lite read the bar as ranged in x; an explicit y2 baseline keeps it vertical.
      y2: { datum: 0 },
    },
  });
}
