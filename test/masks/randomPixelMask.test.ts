import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { randomPixelMask } from "../../src/masks/randomPixelMask.js";

describe("randomPixelMask", () => {
  it("keeps exactly k distinct pixels per sample, seeded", () => {
    const a = randomPixelMask(6, 5, 7, 9, 42);
    expect(a.shape).toEqual([6, 5, 7, 1]);
    const sums = Array.from(tf.sum(tf.reshape(a, [6, -1]), 1).dataSync());
    expect(sums).toEqual([9, 9, 9, 9, 9, 9]);
    expect(Array.from(a.dataSync()).every((v) => v === 0 || v === 1)).toBe(true);
    expect(Array.from(randomPixelMask(6, 5, 7, 9, 42).dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(randomPixelMask(6, 5, 7, 9, 43).dataSync())).not.toEqual(Array.from(a.dataSync()));
  });

  it("covers pixels uniformly on average", () => {
    const m = randomPixelMask(2000, 4, 4, 4, 1);
    const freq = Array.from(tf.mean(m, 0).dataSync());
    freq.forEach((f) => expect(Math.abs(f - 0.25)).toBeLessThan(0.04));
  });

  it("rejects bad sizes", () => {
    expect(() => randomPixelMask(1, 2, 2, 5, 0)).toThrow(/randomPixelMask: option 'k' must be an integer, >= 1, <= 4/);
    expect(() => randomPixelMask(0, 2, 2, 1, 0)).toThrow(/option 'batch'/);
  });
});
