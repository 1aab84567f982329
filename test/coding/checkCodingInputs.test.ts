import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { checkCodingInputs, checkInitialU } from "../../src/coding/checkCodingInputs.js";

describe("checkCodingInputs", () => {
  it("accepts B x D samples with a D x M dictionary", () => {
    expect(() => checkCodingInputs(tf.zeros([2, 3]), tf.zeros([3, 5]), "f")).not.toThrow();
  });

  it("names the argument and the problem", () => {
    expect(() => checkCodingInputs(tf.zeros([3]), tf.zeros([3, 5]), "f")).toThrow(/f: argument 'x' must be a rank 2 tensor/);
    expect(() => checkCodingInputs(tf.zeros([0, 3]), tf.zeros([3, 5]), "f")).toThrow(/empty batch/);
    expect(() => checkCodingInputs(tf.tensor2d([[NaN, 0, 0]]), tf.zeros([3, 5]), "f")).toThrow(/1 NaN/);
    expect(() => checkCodingInputs(tf.zeros([2, 3]), tf.zeros([4, 5]), "f")).toThrow(/'phi' must have as many rows as x has columns \(3\)/);
    expect(() => checkCodingInputs(tf.zeros([2, 3]), [[1]], "f")).toThrow(/'phi' must be a tf.Tensor/);
  });
});

describe("checkInitialU", () => {
  it("accepts finite B x M potentials and names a wrong shape or NaN", () => {
    expect(() => checkInitialU(tf.zeros([2, 5]), 2, 5, "f")).not.toThrow();
    expect(() => checkInitialU(tf.zeros([2, 4]), 2, 5, "f")).toThrow(/f: option 'initialU' must have shape \[2, 5\]/);
    expect(() => checkInitialU(tf.tensor2d([[NaN, 0]]), 1, 2, "f")).toThrow(/'initialU' must be finite/);
    expect(() => checkInitialU([[0]], 1, 1, "f")).toThrow(/'initialU' must be a tf.Tensor/);
  });
});
