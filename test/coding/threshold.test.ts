import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { applyThreshold, hardThreshold, softThreshold, thresholdPenalty } from "../../src/coding/threshold.js";
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
    expect(() => applyThreshold(u, 1, "medium" as never, "f")).toThrow(/f: option 'threshold' must be one of/);
    expect(() => applyThreshold(u, Number.NaN, "hard", "f")).toThrow(/f: option 'lambda'/);
  });

  it("soft threshold is the proximal map of lambda |a|: no nearby a has a lower 1/2 (a - u)^2 + lambda |a|", () => {
    const values = [-3, -1.2, -0.4, 0, 0.25, 0.9, 2.5];
    const lambda = 0.7;
    const prox = softThreshold(tf.tensor1d(values), lambda).dataSync();
    const cost = (a: number, v: number) => 0.5 * (a - v) ** 2 + lambda * Math.abs(a);
    values.forEach((v, i) => {
      const best = cost(prox[i]!, v);
      for (const d of [-0.1, -0.01, 0.01, 0.1]) expect(best).toBeLessThanOrEqual(cost(prox[i]! + d, v) + 1e-6);
    });
  });
});

describe("thresholdPenalty", () => {
  it("maps each threshold to the energy it descends", () => {
    expect(thresholdPenalty("soft")).toBe("l1");
    expect(thresholdPenalty("hard")).toBe("l0");
  });
});
