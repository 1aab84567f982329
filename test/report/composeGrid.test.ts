import { describe, expect, it } from "vitest";
import { composeGrid, resolveGridLayout } from "../../src/report/composeGrid.js";

describe("resolveGridLayout", () => {
  it("defaults to a near-square grid and derives the missing side", () => {
    expect(resolveGridLayout(10, {}, "g")).toMatchObject({ rows: 3, cols: 4, padding: 1, scale: 1, padColor: [255, 255, 255] });
    expect(resolveGridLayout(10, { rows: 2 }, "g")).toMatchObject({ rows: 2, cols: 5 });
    expect(resolveGridLayout(10, { cols: 3 }, "g")).toMatchObject({ rows: 4, cols: 3 });
  });
  it("validates every option", () => {
    expect(() => resolveGridLayout(4, { padColor: [0, 0, 256] }, "g")).toThrow(/option 'padColor' must be \[r, g, b\] with integers 0\.\.255/);
    expect(() => resolveGridLayout(4, { padding: -1 }, "g")).toThrow(/option 'padding'/);
    expect(() => resolveGridLayout(4, { rows: 0 }, "g")).toThrow(/option 'rows'/);
  });
});

describe("composeGrid", () => {
  it("places tiles row-major with padding and upscales by whole pixels", () => {
    const layout = resolveGridLayout(2, { rows: 1, cols: 2, padding: 1, padColor: [9, 9, 9], scale: 2 }, "g");
    const img = composeGrid([Float32Array.from([1]), null], 1, 1, 1, layout, "g");
    expect([img.width, img.height]).toEqual([10, 6]);
    const at = (x: number, y: number) => img.data[(y * img.width + x) * 4];
    expect([at(0, 0), at(2, 2), at(3, 3), at(4, 2), at(6, 2)]).toEqual([9, 255, 255, 9, 9]);
  });
  it("refuses absurdly large grids", () => {
    const layout = resolveGridLayout(1, { scale: 64 }, "imageGrid");
    expect(() => composeGrid([new Float32Array(300 * 300)], 300, 300, 1, layout, "imageGrid")).toThrow(/at most 16384 per side/);
  });
});
