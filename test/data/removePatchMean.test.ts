import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { removePatchMean } from "../../src/data/removePatchMean.js";

describe("removePatchMean", () => {
  it("subtracts each row's own mean", () => {
    const x = tf.tensor2d([[1, 2, 3], [10, 10, 40]]);
    const y = removePatchMean(x);
    expect(y.arraySync()).toEqual([[-1, 0, 1], [-10, -10, 20]]);
    tf.dispose([x, y]);
  });
  it("validates its input", () => {
    expect(() => removePatchMean(tf.zeros([3]) as unknown as tf.Tensor2D)).toThrow(/removePatchMean: argument 'x' must be a rank 2 tensor/);
    expect(() => removePatchMean(tf.tensor2d([[NaN, 1]]))).toThrow(/1 NaN/);
  });
});
