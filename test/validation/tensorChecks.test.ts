import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { SparsekitError } from "../../src/validation/SparsekitError.js";
import { assertFinite, checkCodes } from "../../src/validation/tensorChecks.js";

describe("tensor checks", () => {
  it("names the function, argument and problem", () => {
    expect(() => checkCodes(tf.zeros([3]), "ovrOverlap", "h")).toThrow(/ovrOverlap: argument 'h' must be a rank 2 tensor/);
    expect(() => checkCodes(tf.zeros([0, 4]), "ovrOverlap", "h")).toThrow(/empty batch/);
    expect(() => checkCodes(tf.zeros([1, 4]), "ovrOverlap", "h", { minBatch: 2 })).toThrow(/at least 2 samples/);
    expect(() => checkCodes("x", "f", "h")).toThrow(SparsekitError);
  });
  it("counts NaN and infinite values", () => {
    expect(() => assertFinite(tf.tensor([1, NaN, Infinity, -Infinity]), "f", "h")).toThrow(/1 NaN and 2 infinite/);
    expect(() => assertFinite(tf.tensor([1, 2]), "f", "h")).not.toThrow();
  });
});
