import { describe, expect, it } from "vitest";
import { seedTrend } from "../../src/experiments/seedTrend.js";

describe("seedTrend", () => {
  const x = [0, 1, 2];
  it("calls a trend only when every seed agrees", () => {
    const up = seedTrend(x, [[0, 1, 2], [0, 0.5, 1.5]]);
    expect(up.direction).toBe("rises");
    expect(up.slopes[0]).toBeCloseTo(1, 12);
    expect(up.slopes[1]).toBeCloseTo(0.75, 12);
    expect(up.slope.mean).toBeCloseTo(0.875, 12);
    expect(seedTrend(x, [[2, 1, 0], [1, 1, 0]]).direction).toBe("falls");
    expect(seedTrend(x, [[0, 1, 2], [2, 1, 0]]).direction).toBe("mixed");
    expect(seedTrend(x, [[0, 1, 2], [1, 1, 1]]).direction).toBe("mixed");
    expect(seedTrend(x, [[0, 1, 2], [NaN, NaN, 1]]).direction).toBe("mixed");
  });
  it("rejects runs of the wrong length", () => {
    expect(() => seedTrend(x, [[1, 2]])).toThrow(/seedTrend: argument 'runs\[0\]' must have 3 values/);
    expect(() => seedTrend(x, [])).toThrow(/non-empty array/);
  });
});
