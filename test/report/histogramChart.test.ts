import { describe, expect, it } from "vitest";
import { histogramBins, histogramChart } from "../../src/report/histogramChart.js";
import { renderVegaLiteSvg } from "../../src/report/renderVegaLite.js";
import { expectRenderableSvg, specRows } from "./svgAssertions.js";

describe("histogramBins", () => {
  it("uses half-open bins with the last one closed", () => {
    expect(histogramBins([0, 0.25, 0.5, 0.75, 1, 1.5, -0.1], 4, 0, 1)).toEqual([1, 1, 1, 2]);
  });
});

describe("histogramChart", () => {
  it("bins into one bar per bin whose counts add up to n", async () => {
    const values = Array.from({ length: 500 }, (_, i) => Math.sin(i) ** 2);
    const spec = histogramChart(values, { bins: 10, title: "codes" });
    const rows = specRows(spec);
    expect(rows).toHaveLength(10);
    expect(rows.reduce((a, r) => a + (r.count as number), 0)).toBe(500);
    expect(rows[0].start).toBeCloseTo(Math.min(...values), 12);
    expect(rows[9].end).toBeCloseTo(Math.max(...values), 12);
    const svg = await renderVegaLiteSvg(spec);
    expectRenderableSvg(svg, 10);
  });
  it("draws full-height vertical bars from the zero baseline", async () => {
    const svg = await renderVegaLiteSvg(histogramChart([0, 0, 0, 1], { bins: 2, height: 100 }));
    const heights = [...svg.matchAll(/aria-roledescription="bar" d="M[\d.]+,[\d.]+h[\d.]+v([\d.]+)/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(2);
    expect(heights[0] / heights[1]).toBeCloseTo(3, 1);
  });
  it("counts non-finite and out-of-range values in the subtitle", () => {
    const spec = histogramChart([0.2, 0.7, NaN, Infinity, 3], { domain: [0, 1], bins: 2 });
    expect(specRows(spec).map((r) => r.count)).toEqual([1, 1]);
    expect(JSON.stringify(spec)).toContain("n = 2; 2 non-finite values omitted; 1 value outside the range omitted");
  });
  it("handles constant data and rejects bad input", () => {
    expect(specRows(histogramChart([2, 2, 2], { bins: 1 }))[0]).toEqual({ start: 1.5, end: 2.5, count: 3 });
    expect(() => histogramChart([NaN])).toThrow(/at least one finite value/);
    expect(() => histogramChart([1], { bins: 0 })).toThrow(/option 'bins'/);
    expect(() => histogramChart([1], { domain: [1, 0] })).toThrow(/option 'domain'/);
  });
});
