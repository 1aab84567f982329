import { describe, expect, it } from "vitest";
import { leastSquaresSlope } from "../../src/experiments/leastSquaresSlope.js";

describe("leastSquaresSlope", () => {
  it("recovers the slope of a line and of a noisy line", () => {
    expect(leastSquaresSlope([1, 2, 3, 4], [3, 5, 7, 9])).toBeCloseTo(2, 12);
    // A noisy falling line: sum (x - 1.5)(y + 0.7) / sum (x - 1.5)^2 = -2.4 / 5.
    expect(leastSquaresSlope([0, 1, 2, 3], [0.1, -0.6, -0.9, -1.4])).toBeCloseTo(-0.48, 12);
  });
  it("skips non-finite points and returns NaN without two distinct x", () => {
    expect(leastSquaresSlope([1, 2, 3], [1, NaN, 3])).toBeCloseTo(1, 12);
    expect(leastSquaresSlope([1, 2], [1, NaN])).toBeNaN();
    expect(leastSquaresSlope([2, 2, 2], [1, 2, 3])).toBeNaN();
  });
  it("rejects arrays of different lengths", () => {
    expect(() => leastSquaresSlope([1, 2], [1])).toThrow(/leastSquaresSlope: arguments 'x' and 'y' must have the same length, got 2 and 1/);
  });
});
