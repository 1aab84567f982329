import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { knnGraph, labelSpreading } from "../../src/baselines/labelSpreading.js";

beforeAll(async () => {
  await initBackend({ backend: "cpu" });
});

describe("knnGraph + labelSpreading", () => {
  it("finds the nearest rows (self excluded) and spreads one label per cluster to the whole cluster", () => {
    // Two well separated clusters on a line: 0..9 and 100..109.
    const pts = [...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => 100 + i)];
    const x = tf.tensor2d(pts.map((p) => [p, 0]));
    const g = knnGraph(x, 3);
    x.dispose();
    expect(g.neighbours.length).toBe(20 * 3);
    for (let i = 0; i < 20; i++) {
      const nb = Array.from(g.neighbours.subarray(i * 3, i * 3 + 3));
      expect(nb).not.toContain(i);
      for (const j of nb) expect(Math.abs(pts[j]! - pts[i]!)).toBeLessThanOrEqual(3);
    }
    expect(Array.from(g.neighbours.subarray(0, 1))).toEqual([1]);
    const labels = new Int32Array(20).fill(0);
    labels[15] = 1;
    const mask = new Uint8Array(20);
    mask[2] = 1;
    mask[15] = 1;
    const pred = labelSpreading(g, labels, mask, { numClasses: 2, k: 2 });
    expect(Array.from(pred)).toEqual([...new Array(10).fill(0), ...new Array(10).fill(1)]);
    expect(() => labelSpreading(g, labels, mask, { numClasses: 2, k: 4 })).toThrow(/k/);
    expect(() => labelSpreading(g, labels, mask, { numClasses: 2, alpha: 1 })).toThrow(/alpha/);
  });
});
