import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { sphereBand, sphereDataset, sphereSector } from "../../src/data/sphereDataset.js";

describe("sphereBand / sphereSector", () => {
  it("assigns known points to the right band and sector", () => {
    expect(sphereBand(1, 3)).toBe(0); // north pole
    expect(sphereBand(-1, 3)).toBe(2); // south pole
    expect(sphereBand(0, 2)).toBe(1); // equator starts the southern band of 2
    expect(sphereBand(0, 3)).toBe(1);
    expect(sphereBand(Math.cos(Math.PI / 3) + 1e-9, 3)).toBe(0); // just above 60 degrees polar angle
    expect(sphereBand(Math.cos(Math.PI / 3) - 1e-9, 3)).toBe(1);
    expect(sphereSector(1, 0, 4)).toBe(0);
    expect(sphereSector(0, 1, 4)).toBe(1);
    expect(sphereSector(-1, 1e-9, 4)).toBe(1);
    expect(sphereSector(-1, -1e-9, 4)).toBe(2);
    expect(sphereSector(0, -1, 4)).toBe(3);
    expect(sphereSector(1, -1e-9, 4)).toBe(3);
  });
});

describe("sphereDataset", () => {
  const opts = { n: 4000, latBands: 3, lonSectors: 4, classes: 5, seed: 42 };
  const ds = sphereDataset(opts);
  const pts = ds.x.arraySync();

  it("puts n points on the unit sphere, uniformly", () => {
    expect(ds.x.shape).toEqual([4000, 3]);
    for (const [a, b, c] of pts) expect(Math.hypot(a, b, c)).toBeCloseTo(1, 5);
    const mean = [0, 1, 2].map((i) => pts.reduce((s, p) => s + p[i], 0) / pts.length);
    for (const m of mean) expect(Math.abs(m)).toBeLessThan(0.05);
    // Equal-angle bands of 60 degrees hold areas 1/4, 1/2, 1/4 of the sphere.
    const bands = [0, 0, 0];
    for (const p of ds.partition) bands[Math.floor(p / 4)]++;
    expect(bands[0] / 4000).toBeCloseTo(0.25, 1);
    expect(bands[1] / 4000).toBeCloseTo(0.5, 1);
    expect(bands[2] / 4000).toBeCloseTo(0.25, 1);
  });

  it("labels each point with the class of its partition", () => {
    expect(ds.partitionClasses.length).toBe(12);
    for (const c of ds.partitionClasses) expect(c >= 0 && c < 5).toBe(true);
    pts.forEach(([a, b, c], i) => {
      expect(ds.partition[i]).toBe(sphereBand(c, 3) * 4 + sphereSector(a, b, 4));
      expect(ds.labels[i]).toBe(ds.partitionClasses[ds.partition[i]]);
    });
    expect(new Set(ds.partition).size).toBe(12);
  });

  it("is reproducible with a seed and differs across seeds", () => {
    const again = sphereDataset(opts);
    const other = sphereDataset({ ...opts, seed: 43 });
    expect(again.x.arraySync()).toEqual(pts);
    expect(Array.from(again.labels)).toEqual(Array.from(ds.labels));
    expect(other.x.arraySync()[0]).not.toEqual(pts[0]);
    tf.dispose([again.x, other.x]);
  });

  it("validates options", () => {
    expect(() => sphereDataset({ latBands: 0, lonSectors: 4 })).toThrow(/sphereDataset: option 'latBands' must be an integer, >= 1/);
    expect(() => sphereDataset({ latBands: 2 } as never)).toThrow(/option 'lonSectors'/);
    expect(() => sphereDataset({ latBands: 2, lonSectors: 2, clases: 3 } as never)).toThrow(/unknown option 'clases'/);
    const d = sphereDataset({ latBands: 2, lonSectors: 3 });
    expect(d.x.shape).toEqual([5000, 3]);
    expect(Math.max(...d.labels)).toBeLessThan(10);
    d.x.dispose();
  });
});
