import { describe, expect, it } from "vitest";
import { reconstructionGrid } from "../../src/report/reconstructionGrid.js";
import { decodePng, rgbAt } from "./pngTestUtils.js";

const f = (...v: number[]) => Float32Array.from(v);

describe("reconstructionGrid", () => {
  it("puts each input directly above its reconstruction, banded by pairsPerRow", () => {
    const inputs = [f(0.1), f(0.2), f(0.3)];
    const recon = [f(0.6), f(0.8), f(1.4)];
    const img = decodePng(reconstructionGrid(inputs, recon, { pairsPerRow: 2, padding: 1, height: 1, width: 1 }));
    // 2 bands x 2 rows, 2 columns of 1x1 tiles
    expect([img.width, img.height]).toEqual([5, 9]);
    const g = (x: number, y: number) => rgbAt(img, x, y)[0];
    expect([g(1, 1), g(3, 1), g(1, 3), g(3, 3)]).toEqual([26, 51, 153, 204]);
    expect([g(1, 5), g(1, 7), g(3, 5)]).toEqual([77, 255, 255]); // 1.4 clamped to 1; empty cell is padding
  });
  it("stretches an input together with its reconstruction in perImage mode", () => {
    const img = decodePng(reconstructionGrid([f(0, 1)], [f(0, 2)], { normalize: "perImage", padding: 0, height: 1, width: 2 }));
    expect([rgbAt(img, 1, 0)[0], rgbAt(img, 1, 1)[0]]).toEqual([128, 255]);
  });
  it("requires matching inputs and reconstructions", () => {
    expect(() => reconstructionGrid([f(0, 0, 0, 0)], [f(0, 0, 0, 0), f(0, 0, 0, 0)])).toThrow(
      /reconstructionGrid: argument 'reconstructions' must match inputs \(1 images of 2x2x1\), got 2 of 2x2x1/,
    );
    expect(() => reconstructionGrid([f(0)], [f(0)], { rows: 2 } as never)).toThrow(/unknown option 'rows'/);
  });
});
