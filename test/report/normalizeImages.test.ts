import { describe, expect, it } from "vitest";
import { normalizeImages } from "../../src/report/normalizeImages.js";

const f = (...v: number[]) => Float32Array.from(v);

describe("normalizeImages", () => {
  it("auto-picks symmetric for the whole batch once any value is negative", () => {
    const out = normalizeImages([f(-1, 1), f(2, 4)], "perImage", "auto", "g", "x");
    expect(Array.from(out[0])).toEqual([0, 1]);
    expect(Array.from(out[1])).toEqual([0.75, 1]); // symmetric: 0.5 + 0.5 * 2/4
  });
  it("uses min-max when no value is negative or symmetric is false", () => {
    expect(Array.from(normalizeImages([f(2, 4)], "perImage", "auto", "g", "x")[0])).toEqual([0, 1]);
    expect(Array.from(normalizeImages([f(-1, 3)], "perImage", false, "g", "x")[0])).toEqual([0, 1]);
  });
  it("shares one mapping globally or per group", () => {
    const imgs = [f(0, 1), f(0, 4)];
    expect(Array.from(normalizeImages(imgs, "global", false, "g", "x")[0])).toEqual([0, 0.25]);
    const grouped = normalizeImages([f(0, 1), f(0, 2), f(0, 8)], "perImage", false, "g", "x", [[0, 1], [2]]);
    expect(Array.from(grouped[0])).toEqual([0, 0.5]);
    expect(Array.from(grouped[2])).toEqual([0, 1]);
  });
  it("clamps with 'none' and gives constant images mid-grey", () => {
    expect(Array.from(normalizeImages([f(-0.5, 0.25, 2)], "none", "auto", "g", "x")[0])).toEqual([0, 0.25, 1]);
    expect(Array.from(normalizeImages([f(0, 0)], "perImage", "auto", "g", "x")[0])).toEqual([0.5, 0.5]);
    expect(Array.from(normalizeImages([f(3, 3)], "perImage", false, "g", "x")[0])).toEqual([0.5, 0.5]);
  });
  it("rejects non-finite values", () => {
    expect(() => normalizeImages([f(0), f(Infinity)], "global", "auto", "imageGrid", "images")).toThrow(
      /imageGrid: argument 'images' must be finite, got Infinity in image 1 at flat index 0/,
    );
  });
});
