import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { readImageStack } from "../../src/report/imageStack.js";

describe("readImageStack", () => {
  it("takes height, width and channels from a rank-4 tensor", () => {
    const t = tf.tensor4d(Array.from({ length: 2 * 2 * 3 * 3 }, (_, i) => i), [2, 2, 3, 3]);
    const s = readImageStack(t, "f", "images", {});
    expect([s.images.length, s.height, s.width, s.channels]).toEqual([2, 2, 3, 3]);
    expect(Array.from(s.images[1].slice(0, 3))).toEqual([18, 19, 20]);
    t.dispose();
  });
  it("infers square flat images, or the missing side from one given side", () => {
    expect(readImageStack([new Float32Array(784)], "f", "x", {})).toMatchObject({ height: 28, width: 28, channels: 1 });
    expect(readImageStack([new Array(12).fill(0)], "f", "x", { width: 4 })).toMatchObject({ height: 3, width: 4 });
    expect(readImageStack([new Float32Array(3072)], "f", "x", { channels: 3 })).toMatchObject({ height: 32, width: 32, channels: 3 });
  });
  it("rejects contradictions and unsupported layouts", () => {
    expect(() => readImageStack([new Float32Array(12)], "f", "x", { height: 5 })).toThrow(/f: argument 'x' must be images of height x width x channels = 5 x \? x 1 values, got length 12/);
    expect(() => readImageStack([], "f", "x", {})).toThrow(/at least one image/);
    const t = tf.zeros([2, 3, 3, 2]);
    expect(() => readImageStack(t, "f", "x", {})).toThrow(/1 or 3 channels/);
    t.dispose();
    expect(() => readImageStack([new Float32Array(4)], "f", "x", { channels: 2 })).toThrow(/option 'channels' must be 1 or 3/);
  });
});
