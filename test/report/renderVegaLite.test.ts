import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { describe, expect, it } from "vitest";
import { compileVegaLite, renderVegaLiteSvg, writeVegaLiteSvg } from "../../src/report/renderVegaLite.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";
import { expectRenderableSvg } from "./svgAssertions.js";

const bars: TopLevelSpec = {
  data: { values: [{ k: "a", v: 1 }, { k: "b", v: 3 }, { k: "c", v: 2 }] },
  mark: "bar",
  encoding: { x: { field: "k", type: "nominal" }, y: { field: "v", type: "quantitative" } },
};

describe("renderVegaLiteSvg", () => {
  it("renders a Vega-Lite spec to SVG in Node with one path per bar", async () => {
    const svg = await renderVegaLiteSvg(bars);
    expectRenderableSvg(svg, 3);
    expect(svg.match(/aria-roledescription="bar"/g)).toHaveLength(3);
  });
  it("refuses data URLs instead of fetching them", async () => {
    const spec = { ...bars, data: { url: "https://example.org/data.json" } } as TopLevelSpec;
    await expect(renderVegaLiteSvg(spec)).rejects.toThrow(/inline data.*got data from URL "https:\/\/example\.org\/data\.json"/);
  });
  it("rejects non-objects and specs Vega-Lite cannot compile", () => {
    expect(() => compileVegaLite(null as unknown as TopLevelSpec)).toThrow(/argument 'spec' must be a Vega-Lite spec object, got null/);
    expect(() => compileVegaLite({ data: { values: [] } } as unknown as TopLevelSpec, "addPlot")).toThrow(SparsekitError);
  });
  it("writes the SVG to a file, creating folders", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vl-"));
    const file = await writeVegaLiteSvg(bars, join(dir, "sub", "bars.svg"));
    expectRenderableSvg(await readFile(file, "utf8"), 3);
  });
});
