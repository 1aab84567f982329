import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { maskStatistics } from "../../src/masks/maskStatistics.js";

describe("maskStatistics", () => {
  it("reports area, kept fraction, binariness and empty masks", () => {
    // sample 0: two of four pixels on (binary); sample 1: soft values; sample 2: empty.
    const m = tf.tensor3d([
      [[1, 0], [1, 0]],
      [[0.5, 0.02], [0.97, 0]],
      [[0, 0], [0, 0]],
    ]);
    const s = maskStatistics(m);
    expect(s.area).toBeCloseTo((2 + 0.5 + 0.02 + 0.97) / 12, 6);
    expect(s.keptFraction).toBeCloseTo(5 / 12, 6);
    expect(s.nonBinaryFraction).toBeCloseTo(1 / 12, 6);
    expect(s.emptyFraction).toBeCloseTo(1 / 3, 6);
    expect(s.collapsed).toBe(false);
  });

  it("flags a collapsed mask (area below the threshold)", () => {
    const tiny = tf.fill([2, 10, 10, 1], 0.001);
    expect(maskStatistics(tiny).collapsed).toBe(true);
    expect(maskStatistics(tiny, { collapseArea: 0.0005 }).collapsed).toBe(false);
    expect(maskStatistics(tiny).keptFraction).toBe(1);
  });

  it("validates the mask and options", () => {
    expect(() => maskStatistics(tf.fill([1, 2, 2], 1.5))).toThrow(/maskStatistics: argument 'mask' must be within \[0, 1\]/);
    expect(() => maskStatistics(tf.zeros([1, 2, 2]), { low: 0.9, high: 0.1 })).toThrow(/option 'high'/);
    expect(() => maskStatistics(tf.zeros([1, 2, 2]), { band: 1 } as never)).toThrow(/unknown option 'band'/);
  });
});
