import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { maskOverlayGrid } from "../../src/report/maskOverlayGrid.js";
import { decodePng, rgbAt } from "./pngTestUtils.js";

const f = (...v: number[]) => Float32Array.from(v);

describe("maskOverlayGrid", () => {
  it("blends the mask colour over the image by alpha * mask", () => {
    const png = maskOverlayGrid([f(0, 1, 0.5, 1)], [f(1, 0, 0.5, 1)], { padding: 0, color: [0, 0, 255], alpha: 0.5 });
    const img = decodePng(png);
    expect([img.width, img.height]).toEqual([2, 2]);
    expect(rgbAt(img, 0, 0)).toEqual([0, 0, 128]); // 0.5*0 + 0.5*blue
    expect(rgbAt(img, 1, 0)).toEqual([255, 255, 255]); // mask 0: image unchanged
    expect(rgbAt(img, 0, 1)).toEqual([96, 96, 159]); // a = 0.25: 0.75*0.5 + 0.25*(0|1)
    expect(rgbAt(img, 1, 1)).toEqual([128, 128, 255]);
  });
  it("applies one mask to every image (a learned pixel gate)", () => {
    const images = tf.ones([3, 2, 2]);
    const mask = tf.tensor2d([[1, 0, 0, 0]]);
    const img = decodePng(maskOverlayGrid(images, mask, { rows: 1, cols: 3, padding: 1, alpha: 1 }));
    expect([img.width, img.height]).toEqual([10, 4]);
    for (const x0 of [1, 4, 7]) {
      expect(rgbAt(img, x0, 1)).toEqual([255, 0, 0]);
      expect(rgbAt(img, x0 + 1, 1)).toEqual([255, 255, 255]);
    }
    tf.dispose([images, mask]);
  });
  it("rejects masks outside [0, 1] or of the wrong count", () => {
    expect(() => maskOverlayGrid([f(0, 0, 0, 0)], [f(0, 2, 0, 0)])).toThrow(/masks' must be within \[0, 1\], got 2 in mask 0 at pixel 1/);
    expect(() => maskOverlayGrid([f(0, 0, 0, 0), f(0, 0, 0, 0), f(0, 0, 0, 0)], [f(0, 0, 0, 0), f(0, 0, 0, 0)])).toThrow(/1 or 3 masks/);
    expect(() => maskOverlayGrid([f(0, 0, 0, 0)], [f(0, 0, 0)])).toThrow(/argument 'masks'/);
    expect(() => maskOverlayGrid([f(0, 0, 0, 0)], [f(0, 0, 0, 0)], { alpha: 2 })).toThrow(/option 'alpha'/);
  });
});
