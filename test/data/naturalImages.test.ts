import { describe, expect, it } from "vitest";
import { loadNaturalImages, NATURAL_IMAGE_NAMES, NATURAL_IMAGES } from "../../src/data/naturalImages.js";

describe("loadNaturalImages", () => {
  // One decode of all four photographs for the whole file (the package JPEGs are ~1 MP each).
  const full = loadNaturalImages({ maxSize: 1024 });
  const small = loadNaturalImages();

  it("decodes the four photographs at their documented sizes", () => {
    expect(full.map((i) => i.name)).toEqual(NATURAL_IMAGE_NAMES);
    for (const img of full) {
      const meta = NATURAL_IMAGES[img.name as keyof typeof NATURAL_IMAGES];
      expect([img.width, img.height]).toEqual([meta.width, meta.height]);
      let mn = Infinity;
      let mx = -Infinity;
      let sum = 0;
      let sq = 0;
      for (const v of img.data) {
        mn = Math.min(mn, v);
        mx = Math.max(mx, v);
        sum += v;
        sq += v * v;
      }
      const mean = sum / img.data.length;
      expect(mn).toBeGreaterThanOrEqual(0);
      expect(mx).toBeLessThanOrEqual(1);
      // Real photographs: a wide range of grey levels and real contrast.
      expect(mx - mn).toBeGreaterThan(0.5);
      expect(Math.sqrt(sq / img.data.length - mean * mean)).toBeGreaterThan(0.05);
    }
  });

  it("downsamples to 512 px on the long side by default", () => {
    for (let i = 0; i < small.length; i++) {
      expect(Math.max(small[i].width, small[i].height)).toBe(512);
      const ratio = full[i].width / full[i].height;
      expect(small[i].width / small[i].height).toBeCloseTo(ratio, 1);
    }
  });

  it("selects images by name, returns copies and rejects unknown names", () => {
    const [a] = loadNaturalImages({ names: ["black-canyon"], maxSize: 64 });
    expect(a.name).toBe("black-canyon");
    a.data[0] = 99;
    const [b] = loadNaturalImages({ names: ["black-canyon"], maxSize: 64 });
    expect(b.data[0]).not.toBe(99);
    expect(() => loadNaturalImages({ names: ["lena" as never] })).toThrow(/loadNaturalImages: option 'names' must contain only .*got "lena"/);
    expect(() => loadNaturalImages({ names: [] })).toThrow(/non-empty array/);
    expect(() => loadNaturalImages({ maxSize: 2.5 })).toThrow(/option 'maxSize'/);
  });
});
