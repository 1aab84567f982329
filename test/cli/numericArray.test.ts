import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { nestArray, parseNumericArray } from "../../src/cli/numericArray.js";

describe("parseNumericArray", () => {
  it("flattens a rectangular matrix with its shape", () => {
    expect(parseNumericArray([[1, 2, 3], [4, 5, 6]], "input")).toEqual({ values: [1, 2, 3, 4, 5, 6], shape: [2, 3] });
  });
  it("names the position of a ragged row or a non-number", () => {
    expect(() => parseNumericArray([[1, 2], [3]], "input")).toThrow(/input\[1\] must be an array of length 2/);
    expect(() => parseNumericArray([[1, "a"]], "input")).toThrow(/input\[0\]\[1\] must be a number, got "a"/);
    expect(() => parseNumericArray({ h: 1 }, "input")).toThrow(/must be a JSON array/);
  });
  it("nestArray inverts it (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), (a, b, c) => {
        const values = Array.from({ length: a * b * c }, (_, i) => i * 0.5);
        const nested = nestArray(values, [a, b, c]);
        expect(parseNumericArray(nested, "x")).toEqual({ values, shape: [a, b, c] });
      }),
    );
  });
});
