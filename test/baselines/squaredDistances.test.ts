import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { squaredDistances } from "../../src/baselines/squaredDistances.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("squaredDistances", () => {
  it("matches ||x_i - c_j||^2 computed directly", () => {
    const x = tf.tensor2d([[0, 0], [1, 2], [-3, 4]]);
    const c = tf.tensor2d([[1, 1], [0, 0]]);
    const d = squaredDistances(x, c);
    expect(d.shape).toEqual([3, 2]);
    expect(Array.from(d.dataSync())).toEqual([2, 0, 1, 5, 25, 25]);
    tf.dispose([x, c, d]);
  });
  it("is never negative (rounding of the expansion is clamped)", () => {
    const x = tf.tensor2d([[1e3 + 0.1, 1e3]]);
    const d = squaredDistances(x, x);
    expect(d.dataSync()[0]).toBeGreaterThanOrEqual(0);
    tf.dispose([x, d]);
  });
  it("rejects mismatched columns", () => {
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    const c = tf.zeros([2, 2]) as tf.Tensor2D;
    expect(() => squaredDistances(x, c)).toThrow(SparsekitError);
    expect(() => squaredDistances(x, c)).toThrow(/same number of columns.*\[2, 3\].*\[2, 2\]/);
    tf.dispose([x, c]);
  });
});
