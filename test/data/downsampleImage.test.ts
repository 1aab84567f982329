import { describe, expect, it } from "vitest";
import { downsampleImage } from "../../src/data/downsampleImage.js";
import type { GreyImage } from "../../src/data/greyImage.js";

function image(width: number, height: number, f: (x: number, y: number) => number): GreyImage {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { name: "t", width, height, data };
}

describe("downsampleImage", () => {
  it("averages 2x2 blocks for an integer factor and keeps the aspect ratio", () => {
    const img = image(4, 2, (x, y) => x + 10 * y);
    const small = downsampleImage(img, { maxSize: 2 });
    expect([small.width, small.height]).toEqual([2, 1]);
    // blocks: {0,1,10,11} -> 5.5 and {2,3,12,13} -> 7.5
    expect(Array.from(small.data)).toEqual([5.5, 7.5]);
    expect(small.name).toBe("t");
  });

  it("preserves the mean for fractional factors and constant images stay constant", () => {
    const img = image(10, 7, (x, y) => Math.sin(x) + Math.cos(y * 1.3));
    const small = downsampleImage(img, { maxSize: 4 });
    expect([small.width, small.height]).toEqual([4, 3]);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    // Area averaging with a non-integer factor preserves the mean exactly (each input weighs the same).
    expect(mean(small.data)).toBeCloseTo(mean(img.data), 5);
    const flat = downsampleImage(image(9, 5, () => 0.3), { maxSize: 4 });
    for (const v of flat.data) expect(v).toBeCloseTo(0.3, 6);
  });

  it("returns small images unchanged and validates options", () => {
    const img = image(3, 3, () => 1);
    expect(downsampleImage(img, { maxSize: 3 })).toBe(img);
    expect(() => downsampleImage(img, { maxSize: 0 })).toThrow(/downsampleImage: option 'maxSize' must be an integer, >= 1/);
    expect(() => downsampleImage({ ...img, width: 4 }, { maxSize: 2 })).toThrow(/argument 'image'/);
  });
});
