import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { RandomReluFeatures } from "../../src/baselines/randomReluFeatures.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("RandomReluFeatures", () => {
  it("computes relu(W x + b) with seeded N(0, 1/d) weights", () => {
    const f = new RandomReluFeatures({ inputDim: 50, width: 400, seed: 3, biasStd: 0.5 });
    const g = new RandomReluFeatures({ inputDim: 50, width: 400, seed: 3, biasStd: 0.5 });
    const h = new RandomReluFeatures({ inputDim: 50, width: 400, seed: 4 });
    expect(Array.from(f.weights.dataSync())).toEqual(Array.from(g.weights.dataSync()));
    expect(Array.from(f.weights.dataSync())).not.toEqual(Array.from(h.weights.dataSync()));
    const w = f.weights.dataSync();
    let ss = 0;
    for (const v of w) ss += v * v;
    expect(ss / w.length).toBeGreaterThan(0.9 / 50);
    expect(ss / w.length).toBeLessThan(1.1 / 50);
    expect(Array.from(h.bias.dataSync()).every((v) => v === 0)).toBe(true);
    const x = tf.randomNormal([7, 50], 0, 1, "float32", 1) as tf.Tensor2D;
    const out = f.transform(x);
    expect(out.shape).toEqual([7, 400]);
    const expected = tf.relu(tf.add(tf.matMul(x, f.weights, false, true), f.bias));
    expect(tf.max(tf.abs(tf.sub(out, expected))).dataSync()[0]).toBeLessThan(1e-6);
    // about half the units active on unit-variance input
    const active = tf.mean(tf.cast(tf.greater(out, 0), "float32")).dataSync()[0];
    expect(active).toBeGreaterThan(0.35);
    expect(active).toBeLessThan(0.65);
    tf.dispose([x, out, expected]);
    f.dispose();
    g.dispose();
    h.dispose();
  });
  it("rejects bad options and inputs", () => {
    expect(() => new RandomReluFeatures({ inputDim: 0, width: 3 })).toThrow(/'inputDim' must be an integer, >= 1, got 0/);
    expect(() => new RandomReluFeatures({ inputDim: 2, width: 3, scale: 1 } as never)).toThrow(/unknown option 'scale'/);
    const f = new RandomReluFeatures({ inputDim: 2, width: 3 });
    const x = tf.zeros([1, 4]) as tf.Tensor2D;
    expect(() => f.transform(x)).toThrow(/must have 2 columns, got shape \[1, 4\]/);
    f.dispose();
    expect(() => f.transform(x)).toThrow(/disposed/);
    x.dispose();
  });
});
