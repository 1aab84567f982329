import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hungarianAccuracy, hungarianMatching } from "../../src/metrics/hungarianAccuracy.js";

describe("hungarianAccuracy", () => {
  it("matches hand-computed cases", () => {
    // clusters 1 -> class 0 (2), 0 -> class 1 (2), 2 -> class 2 (1): 5 of 6
    const m = hungarianMatching([0, 0, 1, 1, 2, 2], [1, 1, 0, 0, 0, 2]);
    expect(m.accuracy).toBeCloseTo(5 / 6, 12);
    expect(m.correct).toBe(5);
    expect(m.clusters).toEqual([0, 1, 2]);
    expect(m.clusterToClass).toEqual([1, 0, 2]);
  });
  it("handles more clusters than classes (surplus clusters count as errors)", () => {
    const m = hungarianMatching([0, 0, 0, 1, 1, 1], [0, 0, 1, 2, 2, 2]);
    expect(m.accuracy).toBeCloseTo(5 / 6, 12);
    expect(m.clusterToClass).toEqual([0, null, 1]);
  });
  it("handles fewer clusters than classes", () => {
    expect(hungarianAccuracy([0, 0, 0, 1, 2], [7, 7, 7, 7, 7])).toBeCloseTo(3 / 5, 12); // collapse -> largest class
    expect(hungarianAccuracy([0, 1, 2, 2], [0, 1, 1, 1])).toBeCloseTo(3 / 4, 12);
  });
  it("is 1 for renamed identical partitions and invariant to renaming clusters", () => {
    const part = fc.integer({ min: 1, max: 25 }).chain((n) =>
      fc.tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }), fc.array(fc.integer({ min: 0, max: 6 }), { minLength: n, maxLength: n })),
    );
    fc.assert(
      fc.property(part, ([u, v]) => {
        expect(hungarianAccuracy(u, u.map((c) => 10 - c))).toBe(1);
        expect(hungarianAccuracy(u, v.map((c) => 3 * c + 1))).toBeCloseTo(hungarianAccuracy(u, v), 12);
        // matching at least the largest cell of the contingency table is always possible
        let maxCell = 0;
        for (let a = 0; a <= 4; a++) for (let b = 0; b <= 6; b++) maxCell = Math.max(maxCell, u.filter((c, i) => c === a && v[i] === b).length);
        expect(hungarianAccuracy(u, v) * u.length).toBeGreaterThanOrEqual(maxCell - 1e-9);
      }),
      { numRuns: 200 },
    );
  });
  it("names the function on bad input", () => {
    expect(() => hungarianAccuracy([0, 1], [0])).toThrow(/hungarianAccuracy: arguments 'clusters' and 'labels'/);
  });
});
