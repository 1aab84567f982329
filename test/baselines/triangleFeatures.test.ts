import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { DISTANCE_BLOCK_ROWS } from "../../src/baselines/squaredDistances.js";
import { triangleFeatures } from "../../src/baselines/triangleFeatures.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("triangleFeatures", () => {
  it("computes max(0, mean_j z_j - z_k) on a hand case", () => {
    // x = (0, 0); centroids at distances 1, 3, 5 -> mean 3 -> features (2, 0, 0)
    // x = (3, 4); distances 5-ish: c0 (1,0): sqrt(4+16)=sqrt(20); c1 (3,0): 4; c2 (0,-5): sqrt(9+81)=sqrt(90)
    const x = tf.tensor2d([[0, 0], [3, 4]]);
    const c = tf.tensor2d([[1, 0], [3, 0], [0, -5]]);
    const f = triangleFeatures(x, c).arraySync();
    expect(f[0][0]).toBeCloseTo(2, 5);
    expect(f[0][1]).toBe(0);
    expect(f[0][2]).toBe(0);
    const z = [Math.sqrt(20), 4, Math.sqrt(90)];
    const m = (z[0] + z[1] + z[2]) / 3;
    z.forEach((zk, k) => expect(f[1][k]).toBeCloseTo(Math.max(0, m - zk), 4));
    tf.dispose([x, c]);
  });
  it("is the same computed in row blocks as in one piece", () => {
    const n = DISTANCE_BLOCK_ROWS + 5;
    const x = tf.randomNormal([n, 3], 0, 1, "float32", 1) as tf.Tensor2D;
    const c = tf.randomNormal([4, 3], 0, 1, "float32", 2) as tf.Tensor2D;
    const f = triangleFeatures(x, c);
    expect(f.shape).toEqual([n, 4]);
    const tail = tf.slice(x, [n - 5, 0], [5, 3]) as tf.Tensor2D;
    const g = triangleFeatures(tail, c);
    const fTail = tf.slice(f, [n - 5, 0], [5, 4]);
    expect(Array.from(fTail.dataSync())).toEqual(Array.from(g.dataSync()));
    // at least one unit is zero per row (the farthest centroid is never above the mean)
    const zerosPerRow = tf.sum(tf.cast(tf.equal(f, 0), "int32"), 1).dataSync();
    expect(Math.min(...zerosPerRow)).toBeGreaterThanOrEqual(1);
    tf.dispose([x, c, f, tail, g, fTail]);
  });
  it("rejects mismatched shapes", () => {
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    const c = tf.zeros([2, 4]) as tf.Tensor2D;
    expect(() => triangleFeatures(x, c)).toThrow(/triangleFeatures: .*same number of columns/);
    tf.dispose([x, c]);
  });
});
