import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { indicesToMask, topKMask } from "../../src/masks/topKMask.js";

describe("topKMask", () => {
  it("keeps the k highest scores of each sample, exactly k even with ties", () => {
    const s = tf.tensor4d([5, 1, 3, 2, 0, 0, 0, 0], [2, 2, 2, 1]);
    const m = topKMask(s, 2);
    expect(m.shape).toEqual([2, 2, 2, 1]);
    const v = Array.from(m.dataSync());
    expect(v.slice(0, 4)).toEqual([1, 0, 1, 0]);
    expect(v.slice(4).reduce((a, b) => a + b, 0)).toBe(2);
  });

  it("indicesToMask scatters one 1 per index", () => {
    const m = indicesToMask(tf.tensor2d([[0, 3], [2, 1]], [2, 2], "int32"), 4);
    expect(m.arraySync()).toEqual([[1, 0, 0, 1], [0, 1, 1, 0]]);
  });

  it("rejects bad k and scores", () => {
    expect(() => topKMask(tf.zeros([1, 2, 2]), 5)).toThrow(/topKMask: option 'k' must be an integer, >= 1, <= 4/);
    expect(() => topKMask(tf.zeros([4, 4]), 1)).toThrow(/topKMask: argument 'scores' must be a rank 3 or 4/);
  });
});
