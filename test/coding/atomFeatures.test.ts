import { describe, expect, it } from "vitest";
import { atomFeatures } from "../../src/coding/atomFeatures.js";

/** A p x p grating with a Gaussian envelope at (cx, cy); wave vector along angle `wave` (degrees, y up). */
function gabor(p: number, cx: number, cy: number, wave: number, freq: number): Float32Array {
  const out = new Float32Array(p * p);
  const th = (wave * Math.PI) / 180;
  for (let y = 0; y < p; y++) {
    for (let x = 0; x < p; x++) {
      const env = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8);
      out[y * p + x] = env * Math.cos(2 * Math.PI * freq * ((x - cx) * Math.cos(th) - (y - cy) * Math.sin(th)));
    }
  }
  return out;
}

describe("atomFeatures", () => {
  it("finds position, edge orientation and frequency of Gabor atoms", () => {
    const [vertical, horizontal, diagonal] = atomFeatures([gabor(16, 4, 10, 0, 0.25), gabor(16, 8, 8, 90, 0.125), gabor(16, 8, 8, 45, 0.2)], 16, 16);
    expect(vertical!.x).toBeCloseTo(4, 0);
    expect(vertical!.y).toBeCloseTo(10, 0);
    expect(vertical!.orientation).toBeCloseTo(90, -1); // stripes vary along x: a vertical edge
    expect(vertical!.frequency).toBeCloseTo(0.25, 1);
    expect(Math.min(horizontal!.orientation, 180 - horizontal!.orientation)).toBeLessThan(8);
    expect(horizontal!.frequency).toBeCloseTo(0.125, 1);
    expect(diagonal!.orientation).toBeGreaterThan(120);
    expect(diagonal!.orientation).toBeLessThan(150);
  });

  it("rejects atoms of the wrong length", () => {
    expect(() => atomFeatures([new Float32Array(5)], 2, 2)).toThrow(/atom 0 has 5 values/);
  });
});
