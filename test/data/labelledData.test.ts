import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { disposeLabelledData, makeLabelledData } from "../../src/data/labelledData.js";

describe("makeLabelledData", () => {
  it("packs pixels, labels and one-hot targets", () => {
    const before = tf.memory().numTensors;
    const d = makeLabelledData(new Float32Array([1, 2, 3, 4, 5, 6]), new Int32Array([2, 0]), [3], 3, true, "f");
    expect(d.x.shape).toEqual([2, 3]);
    expect(d.y?.shape).toEqual([2, 3]);
    expect(d.y?.dtype).toBe("float32");
    expect(d.y?.arraySync()).toEqual([[0, 0, 1], [1, 0, 0]]);
    expect(Array.from(d.labels)).toEqual([2, 0]);
    disposeLabelledData(d);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("omits y without oneHot and rejects bad sizes and labels", () => {
    const d = makeLabelledData(new Float32Array(4), new Int32Array([0, 1]), [2], 2, false, "f");
    expect(d.y).toBeUndefined();
    disposeLabelledData(d);
    expect(() => makeLabelledData(new Float32Array(5), new Int32Array([0, 1]), [2], 2, false, "loadX")).toThrow(
      /loadX: 2 labels need 4 input values/,
    );
    expect(() => makeLabelledData(new Float32Array(4), new Int32Array([0, 7]), [2], 2, false, "loadX")).toThrow(
      /label 1 must be an integer class in \[0, 1\], got 7/,
    );
  });
});
