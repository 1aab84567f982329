import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adjustedRandIndex as ari } from "../../src/metrics/adjustedRandIndex.js";

const partition = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc.tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n })),
);

describe("adjustedRandIndex", () => {
  it("matches hand-computed cases", () => {
    // table [[2,0],[0,1],[0,1]]: sum C(n_ij,2) = 1, rows 1, cols 2, C(4,2) = 6, E = 1/3 -> (2/3)/(7/6)
    expect(ari([0, 0, 1, 2], [0, 0, 1, 1])).toBeCloseTo(4 / 7, 12);
    // all cells 1: (0 - 2/3) / (2 - 2/3)
    expect(ari([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
    // table [[2,0],[1,1]]: sum 1, E = 2*3/6 = 1 -> 0
    expect(ari([0, 0, 1, 1], [0, 0, 0, 1])).toBeCloseTo(0, 12);
  });
  it("handles the trivial partitions", () => {
    expect(ari([1, 1, 1], [4, 4, 4])).toBe(1);
    expect(ari([0, 1, 2], [5, 6, 7])).toBe(1);
    expect(ari([0, 1, 2, 3], [0, 0, 0, 0])).toBe(0);
    expect(ari([2], [3])).toBe(1);
  });
  it("is 1 for identical partitions, symmetric, <= 1 and invariant to renaming", () => {
    fc.assert(
      fc.property(partition, ([u, v]) => {
        const renamed = v.map((c) => 100 - 3 * c);
        expect(ari(u, renamed)).toBeCloseTo(ari(u, v), 12);
        expect(ari(v, u)).toBeCloseTo(ari(u, v), 12);
        expect(ari(u, u)).toBeCloseTo(1, 12);
        expect(ari(u, v)).toBeLessThanOrEqual(1 + 1e-12);
      }),
      { numRuns: 200 },
    );
  });
  it("averages about 0 for random clusterings", () => {
    let s = 0;
    let state = 12345;
    const rand = (k: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 16) % k;
    };
    for (let r = 0; r < 50; r++) {
      const u = Array.from({ length: 200 }, () => rand(5));
      const v = Array.from({ length: 200 }, () => rand(4));
      s += ari(u, v);
    }
    expect(Math.abs(s / 50)).toBeLessThan(0.01);
  });
  it("rejects mismatched lengths", () => {
    expect(() => ari([0], [0, 1])).toThrow(/adjustedRandIndex: arguments 'labels' and 'clusters' must label the same samples/);
  });
});
