import { describe, expect, it } from "vitest";
import { centreCropMask } from "../../src/masks/centreCropMask.js";

describe("centreCropMask", () => {
  it("is a centred square of side round(sqrt(fraction H W))", () => {
    const m = centreCropMask(28, 28, 0.1);
    expect(m.shape).toEqual([1, 28, 28, 1]);
    const v = Array.from(m.dataSync());
    expect(v.reduce((a, b) => a + b, 0)).toBe(81); // 9 x 9
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) expect(v[r * 28 + c]).toBe(r >= 9 && r < 18 && c >= 9 && c < 18 ? 1 : 0);
    }
  });

  it("clamps the side to the image and to at least one pixel", () => {
    expect(Array.from(centreCropMask(4, 6, 1).dataSync()).reduce((a, b) => a + b, 0)).toBe(16);
    expect(Array.from(centreCropMask(10, 10, 0.001).dataSync()).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("rejects a bad fraction", () => {
    expect(() => centreCropMask(4, 4, 0)).toThrow(/centreCropMask: option 'fraction' must be a finite number, > 0, <= 1/);
    expect(() => centreCropMask(4, 4, 1.5)).toThrow(/option 'fraction'/);
  });
});
