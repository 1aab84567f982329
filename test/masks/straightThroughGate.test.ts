import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { straightThroughGate } from "../../src/masks/straightThroughGate.js";

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe("straightThroughGate", () => {
  it("forward is the binary step 1[m > 0]", () => {
    const m = [-3, -0.01, 0, 0.01, 2];
    const out = straightThroughGate(tf.tensor4d(m, [1, 1, 5, 1]));
    expect(Array.from(out.dataSync())).toEqual([0, 0, 0, 1, 1]);
    expect(out.dtype).toBe("float32");
  });

  it("backward is the sigmoid's derivative times the upstream gradient", () => {
    const rng = seedrandom("ste");
    const vals = Array.from({ length: 12 }, () => 8 * rng() - 4);
    const up = Array.from({ length: 12 }, () => 2 * rng() - 1);
    const m = tf.tensor3d(vals, [2, 2, 3]);
    const w = tf.tensor3d(up, [2, 2, 3]);
    const g = Array.from(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(straightThroughGate(x), w)))(m).dataSync());
    g.forEach((gi, i) => expect(gi).toBeCloseTo(up[i] * sigmoid(vals[i]) * (1 - sigmoid(vals[i])), 5));
    // never exactly zero: an "off" pixel can be switched back on.
    expect(g.every((gi, i) => up[i] === 0 || gi !== 0)).toBe(true);
  });

  it("leaks no tensors", () => {
    const m = tf.zeros([1, 2, 2]);
    const before = tf.memory().numTensors;
    straightThroughGate(m).dispose();
    tf.grad((x: tf.Tensor) => tf.sum(straightThroughGate(x)))(m).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
