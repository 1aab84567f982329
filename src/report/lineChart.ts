import type { TopLevelSpec } from "vega-lite";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBooleanOption } from "../validation/optionChecks.js";
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

/** One curve: y values, and x values (default 0, 1, 2, ...) of the same length. */
export interface LineSeries {
  name: string;
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
}

export interface LineChartOptions extends ChartOptions {
  /**
   * Logarithmic y axis (loss curves spanning decades). Points with y <= 0 are omitted. "auto":
   * log when every finite y is > 0 and they span at least AUTO_LOG_SPAN (a factor of 20).
   */
  logY?: boolean | "auto";
  /** Draw a dot on every point. Default: when no series has more than 30 points (so a lone point between gaps stays visible). */
  points?: boolean;
}

/** Ratio max/min of positive y values from which logY "auto" picks a log axis. */
export const AUTO_LOG_SPAN = 20;

/** True when all finite values are > 0 and max/min >= AUTO_LOG_SPAN (what logY "auto" uses). */
export function spansDecades(ys: readonly (ArrayLike<number> | undefined)[]): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const y of ys) {
    if (!y) continue;
    for (let i = 0; i < y.length; i++) {
      const v = y[i];
      if (typeof v !== "number" || !Number.isFinite(v)) continue;
      if (v <= 0) return false;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return hi >= lo * AUTO_LOG_SPAN;
}

/**
 * Line chart of one or more series, e.g. train/test loss per epoch; one colour per series with a
 * legend. NaN/±Infinity y values (a diverged run) are drawn as gaps, not dropped silently: the
 * subtitle counts them. x must be finite. Returns a Vega-Lite spec (render with renderVegaLiteSvg).
 */
export function lineChart(series: readonly LineSeries[], options: LineChartOptions = {}): TopLevelSpec {
  const where = "lineChart";
  if (!Array.isArray(series) || series.length === 0) {
    throw new SparsekitError(`${where}: argument 'series' must be a non-empty array of { name, y, x? }, got ${Array.isArray(series) ? "an empty array" : typeof series}.`);
  }
  checkSeriesNames(series.map((s) => s?.name), where, "series");
  const logOption = options.logY ?? false;
  if (logOption !== "auto") assertBooleanOption(logOption, where, "logY");
  const logY = logOption === "auto" ? spansDecades(series.map((s) => s?.y)) : logOption;
  if (options.points !== undefined) assertBooleanOption(options.points, where, "points");
  const rows: { series: string; x: number; y: number | null }[] = [];
  let nonFinite = 0;
  let nonPositive = 0;
  series.forEach((s, k) => {
    const y = readNumbers(s.y, where, `series[${k}].y`);
    const x = s.x === undefined ? y.map((_, i) => i) : readNumbers(s.x, where, `series[${k}].x`);
    if (x.length !== y.length) {
      throw new SparsekitError(`${where}: argument 'series[${k}].x' must have the length of y (${y.length}), got ${x.length}.`);
    }
    assertAllFinite(x, where, `series[${k}].x`);
    y.forEach((v, i) => {
      let val: number | null = v;
      if (!Number.isFinite(v)) {
        nonFinite++;
        val = null;
      } else if (logY && v <= 0) {
        nonPositive++;
        val = null;
      }
      rows.push({ series: s.name, x: x[i], y: val });
    });
  });
  const longest = Math.max(...series.map((s) => s.y.length));
  const points = options.points ?? longest <= 30;
  const notes = definedNotes(
    nonFinite ? `${nonFinite} non-finite point${nonFinite === 1 ? "" : "s"} shown as gap${nonFinite === 1 ? "" : "s"}` : undefined,
    countNote(nonPositive, "point", " <= 0 (log scale)"),
  );
  const frame = chartFrame(options, where, ["logY", "points"], notes);
  return asSpec({
    ...frame,
    data: { values: rows },
    mark: { type: "line", point: points ? { size: 24 } : false, strokeWidth: 2 },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xTitle ?? "x", axis: integerAxis(rows.map((r) => r.x)) },
      y: {
        field: "y",
        type: "quantitative",
        title: options.yTitle ?? "y",
        scale: logY ? { type: "log" } : { zero: false },
      },
      color: { field: "series", type: "nominal", title: null, sort: series.map((s) => s.name) },
    },
  });
}
