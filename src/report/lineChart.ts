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
  /** Logarithmic y axis (loss curves spanning decades). Points with y <= 0 are omitted. */
  logY?: boolean;
  /** Draw a dot on every point. Default: when no series has more than 30 points (so a lone point between gaps stays visible). */
  points?: boolean;
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
  const logY = options.logY ?? false;
  assertBooleanOption(logY, where, "logY");
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
