import { describe, expect, it } from "vitest";
import { barChart } from "../../src/report/barChart.js";
import { renderVegaLiteSvg } from "../../src/report/renderVegaLite.js";
import { expectRenderableSvg, specRows } from "./svgAssertions.js";

describe("barChart", () => {
  it("draws one bar per value, labelled by index", async () => {
    const spec = barChart([0.9, 0.5, 0.7], { yTitle: "lifetime sparsity", domain: [0, 1] });
    expect(specRows(spec)).toEqual([
      { label: "0", value: 0.9, rank: 0 },
      { label: "1", value: 0.5, rank: 1 },
      { label: "2", value: 0.7, rank: 2 },
    ]);
    const svg = await renderVegaLiteSvg(spec);
    expectRenderableSvg(svg, 3);
    expect(svg.match(/aria-roledescription="bar"/g)).toHaveLength(3);
  });
  it("sorts by value and keeps non-finite values without a bar", () => {
    const rows = specRows(barChart([0.2, NaN, 0.9, 0.5], { sort: "descending", labels: ["a", "b", "c", "d"] }));
    expect(rows.map((r) => r.label)).toEqual(["c", "d", "a", "b"]);
    expect(rows[3].value).toBeNull();
  });
  it("hides category labels for many bars", () => {
    const spec = JSON.stringify(barChart(Array.from({ length: 100 }, (_, i) => i / 100)));
    expect(spec).toContain('"labels":false');
  });
  it("validates labels, sort and domain", () => {
    expect(() => barChart([1, 2], { labels: ["a"] })).toThrow(/option 'labels' must be 2 strings/);
    expect(() => barChart([1, 2], { labels: ["a", "a"] })).toThrow(/distinct/);
    expect(() => barChart([1], { sort: "up" as never })).toThrow(/option 'sort' must be one of/);
    expect(() => barChart([1], { domain: [0, 0] })).toThrow(/option 'domain'/);
  });
});
