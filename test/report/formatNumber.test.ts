import { describe, expect, it } from "vitest";
import { formatNumber } from "../../src/report/formatNumber.js";

describe("formatNumber", () => {
  it("prints integers in full and others to 5 significant digits", () => {
    expect(formatNumber(42)).toBe("42");
    expect(formatNumber(0.973123)).toBe("0.97312");
    expect(formatNumber(2.5)).toBe("2.5");
  });
  it("uses exponent form for very small and very large values", () => {
    expect(formatNumber(1.23456e-7)).toBe("1.2346e-7");
    expect(formatNumber(3.5e8 + 0.5)).toBe("3.5e+8");
    expect(formatNumber(0.0001)).toBe("0.0001");
  });
  it("names non-finite values", () => {
    expect([NaN, Infinity, -Infinity].map((x) => formatNumber(x))).toEqual(["NaN", "Infinity", "-Infinity"]);
  });
});
