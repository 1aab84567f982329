import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { hardSigmoidGate } from "../../src/masks/hardSigmoidGate.js";

describe("hardSigmoidGate", () => {
  it("computes clip(0.2 m + 0.5, 0, 1)", () => {
    const m = [-10, -2.5, -1, 0, 1, 2.5, 10];
    const out = hardSigmoidGate(tf.tensor3d(m, [1, 1, 7]));
    expect(Array.from(out.dataSync())).toEqual(m.map((v) => Math.fround(Math.min(1, Math.max(0, 0.2 * v + 0.5)))).map((v) => expect.closeTo(v, 6)));
    expect(out.shape).toEqual([1, 1, 7]);
  });

  it("has gradient 0.2 inside the linear part and exactly 0 in saturation (the dead-mask trap)", () => {
    const m = tf.tensor4d([-5, -1, 0, 1.5, 5], [1, 1, 5, 1]);
    const g = Array.from(tf.grad((x: tf.Tensor) => tf.sum(hardSigmoidGate(x)))(m).dataSync());
    expect(g[0]).toBe(0);
    expect(g[1]).toBeCloseTo(0.2, 6);
    expect(g[2]).toBeCloseTo(0.2, 6);
    expect(g[3]).toBeCloseTo(0.2, 6);
    expect(g[4]).toBe(0);
  });

  it("rejects bad logits", () => {
    expect(() => hardSigmoidGate(tf.zeros([4, 4]))).toThrow(/hardSigmoidGate: argument 'logits' must be a rank 3 or 4/);
  });
});
