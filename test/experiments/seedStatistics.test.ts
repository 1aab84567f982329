import { describe, expect, it } from "vitest";
import { formatSeedSummary, summarizeSeeds } from "../../src/experiments/seedStatistics.js";

describe("summarizeSeeds", () => {
  it("gives the mean and the sample standard deviation (n - 1)", () => {
    const s = summarizeSeeds([1, 2, 3, 6]);
    expect(s.mean).toBe(3);
    expect(s.std).toBeCloseTo(Math.sqrt((4 + 1 + 0 + 9) / 3), 12);
    expect(s.n).toBe(4);
    expect(s.runs).toEqual([1, 2, 3, 6]);
  });
  it("leaves non-finite runs out of mean and std but keeps them in runs", () => {
    const s = summarizeSeeds([0.5, NaN, 0.7]);
    expect(s.mean).toBeCloseTo(0.6, 12);
    expect(s.n).toBe(2);
    expect(s.runs[1]).toBeNaN();
    expect(summarizeSeeds([4]).std).toBe(0);
    const none = summarizeSeeds([NaN, Infinity]);
    expect(none.mean).toBeNaN();
    expect(none.std).toBeNaN();
    expect(none.n).toBe(0);
  });
  it("rejects empty input and non-numbers", () => {
    expect(() => summarizeSeeds([])).toThrow(/summarizeSeeds: argument 'values' must be a non-empty array/);
    expect(() => summarizeSeeds([1, "2" as unknown as number])).toThrow(/must hold numbers, got string at index 1/);
  });
});

describe("formatSeedSummary", () => {
  it("prints mean ± std and flags missing seeds", () => {
    expect(formatSeedSummary(summarizeSeeds([0.5, 0.7]))).toBe(`0.600 ± ${Math.sqrt(0.02).toFixed(3)}`);
    expect(formatSeedSummary(summarizeSeeds([0.5, NaN, 0.7]), 2)).toBe(`0.60 ± ${Math.sqrt(0.02).toFixed(2)} (n=2/3)`);
    expect(formatSeedSummary(summarizeSeeds([NaN]))).toBe("NaN");
  });
});
