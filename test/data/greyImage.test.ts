import { describe, expect, it } from "vitest";
import { assertGreyImage } from "../../src/data/greyImage.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

describe("assertGreyImage", () => {
  it("accepts a well-formed image", () => {
    expect(() => assertGreyImage({ name: "a", width: 2, height: 3, data: new Float32Array(6) }, "f", "img")).not.toThrow();
  });
  it("rejects wrong sizes, non-finite pixels and non-images", () => {
    expect(() => assertGreyImage({ name: "a", width: 2, height: 3, data: new Float32Array(5) }, "f", "img")).toThrow(
      /f: argument 'img' must hold width \* height = 6 values, got 5/,
    );
    expect(() => assertGreyImage({ name: "a", width: 0, height: 3, data: new Float32Array(0) }, "f", "img")).toThrow(/positive integer width/);
    expect(() => assertGreyImage({ name: "a", width: 1, height: 2, data: new Float32Array([0, NaN]) }, "f", "img")).toThrow(/NaN at pixel 1/);
    expect(() => assertGreyImage({ name: "a", width: 1, height: 1, data: [0] }, "f", "img")).toThrow(SparsekitError);
    expect(() => assertGreyImage(null, "f", "img")).toThrow(/got null/);
  });
});
