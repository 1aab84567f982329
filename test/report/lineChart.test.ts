import { describe, expect, it } from "vitest";
import { lineChart, spansDecades } from "../../src/report/lineChart.js";
import { renderVegaLiteSvg } from "../../src/report/renderVegaLite.js";
import { expectRenderableSvg, specRows } from "./svgAssertions.js";

describe("lineChart", () => {
  it("puts one row per point with default x = index and renders one line per series", async () => {
    const spec = lineChart([
      { name: "train", y: [3, 2, 1] },
      { name: "test", y: new Float32Array([4, 3, 2.5]), x: [10, 20, 30] },
    ]);
    const rows = specRows(spec);
    expect(rows).toHaveLength(6);
    expect(rows[1]).toEqual({ series: "train", x: 1, y: 2 });
    expect(rows[5]).toEqual({ series: "test", x: 30, y: 2.5 });
    const svg = await renderVegaLiteSvg(spec);
    expectRenderableSvg(svg, 2);
    expect(svg.match(/aria-roledescription="line mark"/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  });
  it("draws non-finite values as gaps and says so", () => {
    const spec = lineChart([{ name: "loss", y: [1, NaN, 0.5, Infinity] }], { title: "Loss" });
    expect(specRows(spec).map((r) => r.y)).toEqual([1, null, 0.5, null]);
    expect(JSON.stringify(spec)).toContain("2 non-finite points shown as gaps");
  });
  it("uses a log scale on request and leaves out y <= 0", () => {
    const spec = lineChart([{ name: "loss", y: [1, 0, 0.1] }], { logY: true });
    expect(specRows(spec).map((r) => r.y)).toEqual([1, null, 0.1]);
    expect(JSON.stringify(spec)).toContain('"type":"log"');
    expect(JSON.stringify(spec)).toContain("1 point <= 0 (log scale) omitted");
  });
  it("marks points on short series only, unless told", () => {
    const mark = (spec: unknown) => (spec as { mark: { point: unknown } }).mark.point;
    expect(mark(lineChart([{ name: "a", y: [1, 2] }]))).not.toBe(false);
    expect(mark(lineChart([{ name: "a", y: new Array(31).fill(1) }]))).toBe(false);
    expect(mark(lineChart([{ name: "a", y: [1, 2] }], { points: false }))).toBe(false);
  });
  it("validates series and options", () => {
    expect(() => lineChart([])).toThrow(/lineChart: argument 'series' must be a non-empty array/);
    expect(() => lineChart([{ name: "a", y: [1, 2], x: [0] }])).toThrow(/series\[0\]\.x' must have the length of y \(2\), got 1/);
    expect(() => lineChart([{ name: "a", y: [1], x: [NaN] }])).toThrow(/must be finite/);
    expect(() => lineChart([{ name: "a", y: [1] }], { logY: "yes" as unknown as boolean })).toThrow(/option 'logY' must be true or false/);
  });
  it("logY auto: log axis only for positive values spanning a factor of 20", () => {
    const scale = (y: number[]) => (lineChart([{ name: "a", y }], { logY: "auto" }) as { encoding: { y: { scale: unknown } } }).encoding.y.scale;
    expect(scale([40, 1, 0.5])).toEqual({ type: "log" });
    expect(scale([2, 1, 0.5])).toEqual({ zero: false });
    expect(scale([40, 0, 0.5])).toEqual({ zero: false });
    expect(spansDecades([[1, NaN], [25]])).toBe(true);
  });
});
