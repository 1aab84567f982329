import { describe, expect, it } from "vitest";
import { clusterUsage } from "../../src/metrics/clusterUsage.js";

describe("clusterUsage", () => {
  it("matches hand-computed values", () => {
    const u = clusterUsage([0, 0, 1, 3], 4);
    expect(u.counts).toEqual([2, 1, 0, 1]);
    expect(u.used).toBe(3);
    expect(u.entropy).toBeCloseTo(-(0.5 * Math.log(0.5) + 2 * 0.25 * Math.log(0.25)), 12);
    expect(u.normalizedEntropy).toBeCloseTo(u.entropy / Math.log(4), 12);
    expect(u.largestFraction).toBe(0.5);
  });
  it("reports collapse and uniform use", () => {
    const c = clusterUsage([2, 2, 2], 3);
    expect(c.used).toBe(1);
    expect(c.entropy).toBe(0);
    expect(c.largestFraction).toBe(1);
    const f = clusterUsage([0, 1, 2, 0, 1, 2], 3);
    expect(f.normalizedEntropy).toBeCloseTo(1, 12);
  });
  it("rejects ids out of range", () => {
    expect(() => clusterUsage([0, 3], 3)).toThrow(/clusterUsage: argument 'assignments' must hold cluster ids in \[0, 2\], got 3 at index 1/);
    expect(() => clusterUsage([0], 0)).toThrow(/numClusters/);
  });
});
