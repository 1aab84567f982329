import type { TopLevelSpec } from "vega-lite";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertEnumOption } from "../validation/optionChecks.js";
import { asSpec, chartFrame, countNote, definedNotes, readNumbers, type ChartOptions } from "./chartBase.js";

export interface BarChartOptions extends ChartOptions {
  /** One label per bar; default the bar index "0", "1", ... (unit numbers). */
  labels?: readonly string[];
  /** Bar order: as given (default), or sorted by value. */
  sort?: "none" | "ascending" | "descending";
  /** Fixed value axis range, e.g. [0, 1] for a sparsity fraction. */
  domain?: readonly [number, number];
}

/**
 * Bar chart of one value per item, e.g. the lifetime sparsity of every hidden unit. With more than
 * 40 bars the category labels are hidden (they would overlap). NaN/±Infinity values (a dead unit's
 * 0/0) get no bar and are counted in the subtitle. Returns a Vega-Lite spec.
 */
export function barChart(values: ArrayLike<number>, options: BarChartOptions = {}): TopLevelSpec {
  const where = "barChart";
  const vals = readNumbers(values, where, "values");
  const sort = options.sort ?? "none";
  assertEnumOption(sort, where, "sort", ["none", "ascending", "descending"] as const);
  let labels: string[];
  if (options.labels !== undefined) {
    if (!Array.isArray(options.labels) || options.labels.length !== vals.length || options.labels.some((l) => typeof l !== "string")) {
      throw new SparsekitError(`${where}: option 'labels' must be ${vals.length} strings (one per value).`);
    }
    if (new Set(options.labels).size !== options.labels.length) {
      throw new SparsekitError(`${where}: option 'labels' must be distinct (bars are keyed by label).`);
    }
    labels = [...options.labels];
  } else {
    labels = vals.map((_, i) => String(i));
  }
  if (options.domain !== undefined) {
    const d = options.domain;
    if (!Array.isArray(d) || d.length !== 2 || !Number.isFinite(d[0]) || !Number.isFinite(d[1]) || !(d[0] < d[1])) {
      throw new SparsekitError(`${where}: option 'domain' must be [lo, hi] with finite lo < hi, got ${JSON.stringify(d)}.`);
    }
  }
  const order = vals.map((_, i) => i);
  if (sort !== "none") {
    const key = (i: number) => (Number.isFinite(vals[i]) ? vals[i] : sort === "ascending" ? Infinity : -Infinity);
    order.sort((a, b) => (sort === "ascending" ? key(a) - key(b) : key(b) - key(a)));
  }
  const rows = order.map((i, rank) => ({ label: labels[i], value: Number.isFinite(vals[i]) ? vals[i] : null, rank }));
  const nonFinite = vals.filter((v) => !Number.isFinite(v)).length;
  const frame = chartFrame(options, where, ["labels", "sort", "domain"], definedNotes(countNote(nonFinite, "non-finite value")));
  return asSpec({
    ...frame,
    data: { values: rows },
    // clip: a domain that starts above 0 must not let bars run below the plot.
    mark: { type: "bar", color: "#4c78a8", ...(options.domain ? { clip: true } : {}) },
    encoding: {
      x: {
        field: "label",
        type: "ordinal",
        sort: { field: "rank", order: "ascending" },
        title: options.xTitle ?? (sort === "none" ? "unit" : "unit (sorted)"),
        axis: { labels: vals.length <= 40, ticks: vals.length <= 40, labelAngle: labels.some((l) => String(l).length > 6) ? -35 : 0, labelLimit: 140 },
      },
      y: {
        field: "value",
        type: "quantitative",
        title: options.yTitle ?? "value",
        ...(options.domain ? { scale: { domain: [...options.domain] } } : {}),
      },
    },
  });
}
