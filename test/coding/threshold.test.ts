import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { applyThreshold, hardThreshold, softThreshold } from "../../src/coding/threshold.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

describe("thresholds", () => {
  const u = tf.tensor2d([[-2, -0.5, 0, 0.3, 1.5]]);

  it("soft threshold shrinks towards zero by lambda and zeroes |u| <= lambda", () => {
    expect(Array.from(softThreshold(u, 0.5).dataSync())).toEqual([-1.5, -0, 0, 0, 1]);
  });

  it("hard threshold keeps survivors unchanged", () => {
    expect(Array.from(hardThreshold(u, 0.5).dataSync())).toEqual([-2, -0, 0, 0, 1.5]);
  });

  it("applyThreshold dispatches and names bad options", () => {
    expect(Array.from(applyThreshold(u, 1, "soft").dataSync())).toEqual([-1, -0, 0, 0, 0.5]);
    expect(() => applyThreshold(u, -1, "soft", "f")).toThrow(/f: option 'lambda'/);
    expect(() => applyThreshold(u, 1, "medium" as never, "f")).toThrow(SparsekitError);
  });
});
