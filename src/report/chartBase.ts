import type { TopLevelSpec } from "vega-lite";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";

/** Options every chart builder takes. Sizes are the plot area in pixels (axes and legend add to it). */
export interface ChartOptions {
  title?: string;
  /** Small second line under the title (builders append notes such as "3 NaN points omitted"). */
  subtitle?: string;
  xTitle?: string;
  yTitle?: string;
  width?: number;
  height?: number;
}

export const CHART_OPTION_KEYS = ["title", "subtitle", "xTitle", "yTitle", "width", "height"] as const;

/** Schema URL of the specs the builders emit: an identifier for editors, never fetched. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Shared look: readable sans-serif text, light grid, white background (so SVGs read on any page). */
const CONFIG = {
  font: "Helvetica, Arial, sans-serif",
  background: "white",
  view: { stroke: "#ccc" },
  axis: { gridColor: "#e8e8e8", labelFontSize: 11, titleFontSize: 12 },
  // Series names up to ~50 characters stay whole (Vega-Lite cuts legend labels at 160 px by default).
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: "#555", anchor: "start" },
} as const;

/** Checks the option object and returns the top-level frame (schema, title, size, config) of a spec. */
export function chartFrame(
  options: ChartOptions,
  where: string,
  extraKeys: readonly string[],
  notes: readonly string[] = [],
): Record<string, unknown> {
  assertKnownOptions(options, where, [...CHART_OPTION_KEYS, ...extraKeys]);
  const width = options.width ?? 480;
  const height = options.height ?? 280;
  assertNumberOption(width, where, "width", { min: 10, max: 4000, integer: true });
  assertNumberOption(height, where, "height", { min: 10, max: 4000, integer: true });
  for (const key of ["title", "subtitle", "xTitle", "yTitle"] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== "string") {
      throw new SparsekitError(`${where}: option '${key}' must be a string, got ${typeof v}.`);
    }
  }
  const subtitle = [options.subtitle, ...notes].filter((s): s is string => !!s).join("; ");
  const frame: Record<string, unknown> = { $schema: VEGA_LITE_SCHEMA, width, height, config: CONFIG };
  if (options.title) frame.title = { text: options.title, ...(subtitle ? { subtitle } : {}) };
  // Vega-Lite drops a title with empty text, subtitle included: show the notes as a small grey title.
  else if (subtitle) frame.title = { text: subtitle, fontSize: 11, fontWeight: "normal", color: "#555" };
  return frame;
}

/** Axis settings for x values that are all integers (epochs, unit counts): no fractional ticks. */
export function integerAxis(values: Iterable<number>): Record<string, unknown> {
  for (const v of values) if (!Number.isInteger(v)) return {};
  return { tickMinStep: 1, format: "d" };
}

/** Finishes a spec built as a plain object; the builders construct specs the types cannot follow. */
export function asSpec(spec: Record<string, unknown>): TopLevelSpec {
  return spec as unknown as TopLevelSpec;
}

/** Reads a numeric array argument (plain array or typed array) into numbers, checking it is non-empty. */
export function readNumbers(values: unknown, where: string, name: string): number[] {
  const ok =
    Array.isArray(values) || (ArrayBuffer.isView(values) && !(values instanceof DataView) && !(values instanceof BigInt64Array) && !(values instanceof BigUint64Array));
  if (!ok) {
    throw new SparsekitError(
      `${where}: argument '${name}' must be an array or typed array of numbers, got ${values === null ? "null" : typeof values}.`,
    );
  }
  const arr = values as ArrayLike<unknown>;
  if (arr.length === 0) throw new SparsekitError(`${where}: argument '${name}' must be non-empty, got length 0.`);
  const out: number[] = new Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== "number") {
      throw new SparsekitError(`${where}: argument '${name}' must hold numbers, got ${v === null ? "null" : typeof v} at index ${i}.`);
    }
    out[i] = v;
  }
  return out;
}

/** x values must be finite: a gap in x has no honest drawing. */
export function assertAllFinite(values: readonly number[], where: string, name: string): void {
  const i = values.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw new SparsekitError(`${where}: argument '${name}' must be finite, got ${values[i]} at index ${i}.`);
}

/** Series names label legends and must be distinct non-empty strings. */
export function checkSeriesNames(names: readonly unknown[], where: string, name: string): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (typeof n !== "string" || n === "") {
      throw new SparsekitError(`${where}: argument '${name}[${i}].name' must be a non-empty string, got ${JSON.stringify(n)}.`);
    }
    if (seen.has(n)) throw new SparsekitError(`${where}: argument '${name}' must have distinct names, got "${n}" twice.`);
    seen.add(n);
  });
}

/** Plural-aware note such as "2 non-finite points omitted" or "1 point <= 0 (log scale) omitted". */
export function countNote(count: number, noun: string, qualifier = ""): string | undefined {
  return count > 0 ? `${count} ${noun}${count === 1 ? "" : "s"}${qualifier} omitted` : undefined;
}

export function definedNotes(...notes: (string | undefined)[]): string[] {
  return notes.filter((n): n is string => n !== undefined);
}
