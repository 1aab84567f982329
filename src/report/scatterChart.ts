import type { TopLevelSpec } from "vega-lite";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBooleanOption, assertNumberOption } from "../validation/optionChecks.js";
import { asSpec, chartFrame, checkSeriesNames, countNote, definedNotes, readNumbers, type ChartOptions } from "./chartBase.js";

/** One group of points; x and y have equal length. */
export interface ScatterSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface ScatterChartOptions extends ChartOptions {
  logX?: boolean;
  logY?: boolean;
  /** Point area in square pixels. Default 40. */
  pointSize?: number;
}

/**
 * Scatter plot of one or more point groups (e.g. sparsity vs accuracy per lambda), one colour per
 * group. Points with a non-finite coordinate, or <= 0 on a log axis, are omitted and counted in the
 * subtitle. Returns a Vega-Lite spec.
 */
export function scatterChart(series: readonly ScatterSeries[], options: ScatterChartOptions = {}): TopLevelSpec {
  const where = "scatterChart";
  if (!Array.isArray(series) || series.length === 0) {
    throw new SparsekitError(`${where}: argument 'series' must be a non-empty array of { name, x, y }.`);
  }
  checkSeriesNames(series.map((s) => s?.name), where, "series");
  const logX = options.logX ?? false;
  const logY = options.logY ?? false;
  const pointSize = options.pointSize ?? 40;
  assertBooleanOption(logX, where, "logX");
  assertBooleanOption(logY, where, "logY");
  assertNumberOption(pointSize, where, "pointSize", { min: 1, max: 2000 });
  const rows: { series: string; x: number; y: number }[] = [];
  let nonFinite = 0;
  let nonPositive = 0;
  series.forEach((s, k) => {
    const x = readNumbers(s.x, where, `series[${k}].x`);
    const y = readNumbers(s.y, where, `series[${k}].y`);
    if (x.length !== y.length) {
      throw new SparsekitError(`${where}: argument 'series[${k}].y' must have the length of x (${x.length}), got ${y.length}.`);
    }
    x.forEach((xv, i) => {
      const yv = y[i];
      if (!Number.isFinite(xv) || !Number.isFinite(yv)) nonFinite++;
      else if ((logX && xv <= 0) || (logY && yv <= 0)) nonPositive++;
      else rows.push({ series: s.name, x: xv, y: yv });
    });
  });
  const notes = definedNotes(countNote(nonFinite, "non-finite point"), countNote(nonPositive, "point", " <= 0 (log scale)"));
  const frame = chartFrame(options, where, ["logX", "logY", "pointSize"], notes);
  return asSpec({
    ...frame,
    data: { values: rows },
    mark: { type: "point", filled: true, size: pointSize, opacity: 0.8 },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xTitle ?? "x", scale: logX ? { type: "log", padding: 8 } : { zero: false, padding: 8 } },
      y: { field: "y", type: "quantitative", title: options.yTitle ?? "y", scale: logY ? { type: "log", padding: 8 } : { zero: false, padding: 8 } },
      color: { field: "series", type: "nominal", title: null, sort: series.map((s) => s.name) },
    },
  });
}
