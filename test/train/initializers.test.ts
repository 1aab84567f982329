import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { fans, glorotUniform, heNormal, randomNormal, randomUniform } from "../../src/train/initializers.js";
import { createRng } from "../../src/random/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("seeded initialisers", () => {
  it("give the same tensor bit for bit for the same RNG state and advance the RNG", () => {
    const a = glorotUniform([20, 30], createRng(1));
    const b = glorotUniform([20, 30], createRng(1));
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const r = createRng(1);
    const first = heNormal([5, 5], r);
    const second = heNormal([5, 5], r);
    expect(Array.from(second.dataSync())).not.toEqual(Array.from(first.dataSync()));
  });

  it("use the Glorot and He scales", () => {
    const w = glorotUniform([200, 100], createRng(2));
    const limit = Math.sqrt(6 / 300);
    const v = w.dataSync();
    expect(Math.max(...v)).toBeLessThanOrEqual(limit);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-limit);
    expect(Math.max(...v)).toBeGreaterThan(0.95 * limit);
    const variance = tf.moments(w).variance.dataSync()[0];
    expect(variance).toBeCloseTo(limit ** 2 / 3, 3);

    const h = heNormal([400, 50], createRng(3));
    const m = tf.moments(h);
    expect(Math.abs(m.mean.dataSync()[0])).toBeLessThan(0.005);
    expect(m.variance.dataSync()[0] / (2 / 400)).toBeGreaterThan(0.95);
    expect(m.variance.dataSync()[0] / (2 / 400)).toBeLessThan(1.05);
  });

  it("draw uniform and normal values with the requested parameters", () => {
    const u = randomUniform([10000], -2, 3, createRng(4)).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    const n = randomNormal([20000], 5, 0.5, createRng(5));
    const m = tf.moments(n);
    expect(m.mean.dataSync()[0]).toBeCloseTo(5, 1);
    expect(Math.sqrt(m.variance.dataSync()[0])).toBeCloseTo(0.5, 1);
  });

  it("compute fans like tfjs and validate shapes", () => {
    expect(fans([3, 4])).toEqual({ fanIn: 3, fanOut: 4 });
    expect(fans([3, 3, 2, 8])).toEqual({ fanIn: 18, fanOut: 72 });
    expect(fans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(() => glorotUniform([0, 3], createRng(1))).toThrow(/glorotUniform: argument 'shape' must be a non-empty array of positive integers, got \[0,3\]/);
    expect(() => randomUniform([2], 1, 1, createRng(1))).toThrow(/lo < hi/);
    expect(() => randomNormal([2], 0, -1, createRng(1))).toThrow(/'std' finite and >= 0/);
  });
});
