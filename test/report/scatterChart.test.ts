import { describe, expect, it } from "vitest";
import { renderVegaLiteSvg } from "../../src/report/renderVegaLite.js";
import { scatterChart } from "../../src/report/scatterChart.js";
import { expectRenderableSvg, specRows } from "./svgAssertions.js";

describe("scatterChart", () => {
  it("draws one symbol per finite point", async () => {
    const spec = scatterChart([
      { name: "ovr", x: [1e-5, 1e-4, 1e-3], y: [0.9, 0.95, 0.8] },
      { name: "dropout", x: [0.1], y: [0.93] },
    ], { logX: true, xTitle: "lambda" });
    expect(specRows(spec)).toHaveLength(4);
    const svg = await renderVegaLiteSvg(spec);
    expectRenderableSvg(svg, 4);
    expect(svg.match(/aria-roledescription="point"/g)).toHaveLength(4);
  });
  it("omits non-finite points and points <= 0 on log axes, counting them", () => {
    const spec = scatterChart([{ name: "a", x: [0, 1, 2, NaN], y: [1, 1, -1, 1] }], { logX: true, logY: true });
    expect(specRows(spec)).toEqual([{ series: "a", x: 1, y: 1 }]);
    expect(JSON.stringify(spec)).toContain("1 non-finite point omitted; 2 points <= 0 (log scale) omitted");
  });
  it("validates lengths and options", () => {
    expect(() => scatterChart([{ name: "a", x: [1, 2], y: [1] }])).toThrow(/series\[0\]\.y' must have the length of x \(2\), got 1/);
    expect(() => scatterChart([{ name: "a", x: [1], y: [1] }], { pointSize: 0 })).toThrow(/option 'pointSize'/);
  });
});
