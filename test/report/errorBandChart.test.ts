import { describe, expect, it } from "vitest";
import { errorBandChart } from "../../src/report/errorBandChart.js";
import { renderVegaLiteSvg } from "../../src/report/renderVegaLite.js";
import { expectRenderableSvg, specRows } from "./svgAssertions.js";

describe("errorBandChart", () => {
  it("computes mean ± sample std across runs at each x", () => {
    const runs = [
      [1, 2, 3],
      [3, 2, 5],
      [2, 2, 7],
    ];
    const rows = specRows(errorBandChart([{ name: "ovr", runs }]));
    runs[0].forEach((_, i) => {
      const col = runs.map((r) => r[i]);
      const mean = col.reduce((a, b) => a + b) / col.length;
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / (col.length - 1));
      expect(rows[i].mean as number).toBeCloseTo(mean, 12);
      expect(rows[i].lo as number).toBeCloseTo(mean - sd, 12);
      expect(rows[i].hi as number).toBeCloseTo(mean + sd, 12);
    });
    expect(rows[1].lo).toBe(rows[1].hi);
  });
  it("accepts precomputed mean and std and renders a band plus a line per series", async () => {
    const spec = errorBandChart([
      { name: "a", mean: [1, 0.5, 0.25], std: [0.1, 0.1, 0.05] },
      { name: "b", runs: [[2, 1, 0.5], [2.2, 1.1, 0.4]], x: [1, 2, 3] },
    ]);
    expect(specRows(spec)[0]).toEqual({ series: "a", x: 0, mean: 1, lo: 0.9, hi: 1.1 });
    const svg = await renderVegaLiteSvg(spec);
    expectRenderableSvg(svg, 4);
    expect(svg).toContain('aria-roledescription="area mark"');
  });
  it("leaves a gap where any seed diverged", () => {
    const rows = specRows(errorBandChart([{ name: "s", runs: [[1, NaN], [1, 2]] }]));
    expect(rows[1]).toEqual({ series: "s", x: 1, mean: null, lo: null, hi: null });
  });
  it("validates its input", () => {
    expect(() => errorBandChart([{ name: "s", runs: [[1, 2], [1]] }])).toThrow(/runs of equal length, got 2 \(run 0\) and 1 \(run 1\)/);
    expect(() => errorBandChart([{ name: "s", mean: [1], std: [-1] }])).toThrow(/std' must be >= 0/);
    expect(() => errorBandChart([{ name: "s" } as never])).toThrow(/either 'runs' or both 'mean' and 'std'/);
  });
});
