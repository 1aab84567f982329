import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { ovrOverlap } from "../../src/objectives/ovrOverlap.js";
import { valueChecksActive, withoutValueChecks } from "../../src/validation/valueChecks.js";

describe("value checks", () => {
  it("are active by default and suspended only inside withoutValueChecks, also when it throws", () => {
    expect(valueChecksActive()).toBe(true);
    expect(withoutValueChecks(() => valueChecksActive())).toBe(false);
    expect(() => withoutValueChecks(() => { throw new Error("boom"); })).toThrow("boom");
    expect(valueChecksActive()).toBe(true);
  });

  it("skip the read-back checks (sign, NaN) but keep shape checks", () => {
    const signed = tf.tensor2d([[1, -0.5], [1, 1]]);
    expect(() => ovrOverlap(signed)).toThrow(/must be non-negative/);
    const v = withoutValueChecks(() => ovrOverlap(signed));
    expect(v.dataSync()[0]).toBeCloseTo(2 * (1 - 0.5), 5);
    expect(() => withoutValueChecks(() => ovrOverlap(tf.tensor1d([1, 2])))).toThrow(/rank 2/);
    tf.dispose([signed, v]);
  });

  it("reject async functions (the suspension would leak across awaits)", () => {
    expect(() => withoutValueChecks(() => Promise.resolve(1))).toThrow(/synchronous/);
  });
});
