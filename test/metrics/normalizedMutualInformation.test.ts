import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizedMutualInformation as nmi } from "../../src/metrics/normalizedMutualInformation.js";

const partition = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc.tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n })),
);

describe("normalizedMutualInformation", () => {
  it("matches a hand-computed case (arithmetic-mean normalisation)", () => {
    // table [[2, 0], [1, 1]], n = 4, a = (2, 2), b = (3, 1)
    const mi = 0.5 * Math.log(4 / 3) + 0.25 * Math.log(2 / 3) + 0.25 * Math.log(2);
    const hu = Math.log(2);
    const hv = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    expect(nmi([0, 0, 1, 1], [0, 0, 0, 1])).toBeCloseTo(mi / ((hu + hv) / 2), 12);
    expect(nmi([0, 0, 1, 1], [0, 0, 0, 1])).toBeCloseTo(0.343715, 5);
  });
  it("gives scikit-learn's limit cases", () => {
    expect(nmi([0, 0, 1, 1], [0, 0, 1, 1])).toBe(1);
    expect(nmi([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
    expect(nmi([3, 3, 3], [9, 9, 9])).toBe(1);
    expect(nmi([0, 1, 2, 3], [0, 0, 0, 0])).toBe(0); // collapse onto one cluster
    expect(nmi([0, 0, 1, 1], [0, 1, 0, 1])).toBe(0); // independent
  });
  it("is 1 for identical partitions and invariant to renaming either side", () => {
    fc.assert(
      fc.property(partition, fc.integer({ min: 0, max: 1000 }), ([u, v], shift) => {
        const renamed = v.map((c) => 7 * (5 - c) + shift); // a bijection of cluster ids
        expect(nmi(u, renamed)).toBeCloseTo(nmi(u, v), 12);
        expect(nmi(renamed, u)).toBeCloseTo(nmi(u, v), 12);
        expect(nmi(u, u)).toBeCloseTo(1, 12);
        const x = nmi(u, v);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });
  it("names the function and argument on bad input", () => {
    expect(() => nmi([0, 1], [0, 1, 2])).toThrow(/normalizedMutualInformation: arguments 'labels' and 'clusters'/);
    expect(() => nmi([0, 0.5], [0, 1])).toThrow(/normalizedMutualInformation: argument 'labels' must hold integer labels/);
  });
});
