import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { GreyImage } from "../../src/data/greyImage.js";
import { samplePatches } from "../../src/data/samplePatches.js";

/** Pixel value encodes its image, row and column: img * 10000 + y * 100 + x. */
function coded(img: number, width: number, height: number): GreyImage {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = img * 10000 + y * 100 + x;
  return { name: `i${img}`, width, height, data };
}

describe("samplePatches", () => {
  const images = [coded(1, 20, 12), coded(2, 15, 30)];

  it("cuts contiguous row-major patches from inside the images", () => {
    const p = samplePatches(images, { size: 4, count: 200, seed: 1 });
    expect(p.shape).toEqual([200, 16]);
    const a = p.arraySync();
    const seen = new Set<number>();
    for (const row of a) {
      const img = Math.floor(row[0] / 10000);
      seen.add(img);
      const y0 = Math.floor((row[0] % 10000) / 100);
      const x0 = row[0] % 100;
      const { width, height } = images[img - 1];
      expect(x0 + 4).toBeLessThanOrEqual(width);
      expect(y0 + 4).toBeLessThanOrEqual(height);
      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) expect(row[y * 4 + x]).toBe(img * 10000 + (y0 + y) * 100 + x0 + x);
    }
    expect(seen).toEqual(new Set([1, 2]));
    p.dispose();
  });

  it("respects the border and is reproducible by seed", () => {
    const p = samplePatches(images, { size: 3, count: 300, seed: 5, border: 4 });
    for (const row of p.arraySync()) {
      const img = images[Math.floor(row[0] / 10000) - 1];
      const y0 = Math.floor((row[0] % 10000) / 100);
      const x0 = row[0] % 100;
      expect(x0).toBeGreaterThanOrEqual(4);
      expect(y0).toBeGreaterThanOrEqual(4);
      expect(x0 + 3 + 4).toBeLessThanOrEqual(img.width);
      expect(y0 + 3 + 4).toBeLessThanOrEqual(img.height);
    }
    const again = samplePatches(images, { size: 3, count: 300, seed: 5, border: 4 });
    const other = samplePatches(images, { size: 3, count: 300, seed: 6, border: 4 });
    expect(again.arraySync()).toEqual(p.arraySync());
    expect(other.arraySync()).not.toEqual(p.arraySync());
    tf.dispose([p, again, other]);
  });

  it("rejects images too small for the patch and bad options", () => {
    expect(() => samplePatches(images, { size: 13, count: 1 })).toThrow(
      /samplePatches: argument 'images\[0\]' \("i1"\) must be at least size \+ 2 \* border = 13 pixels on each side, got 20 x 12/,
    );
    expect(() => samplePatches(images, { size: 4, count: 0 })).toThrow(/option 'count'/);
    expect(() => samplePatches([], { size: 4, count: 1 })).toThrow(/non-empty array/);
  });
});
