import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { assignClusters, kMeans } from "../../src/baselines/kmeans.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";
import { blobs } from "./blobs.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const CENTRES = [
  [0, 0, 0],
  [10, 0, 0],
  [0, 10, 0],
  [0, 0, 10],
  [10, 10, 10],
];

/** Each true blob maps to exactly one cluster and vice versa. */
function purity(assign: Int32Array, labels: Int32Array, k: number): boolean {
  const map = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const prev = map.get(labels[i]);
    if (prev === undefined) map.set(labels[i], assign[i]);
    else if (prev !== assign[i]) return false;
  }
  return new Set(map.values()).size === k;
}

describe("kMeans", () => {
  it("finds well-separated blobs (k-means++) with centroids near the true centres", () => {
    const { data, labels, n, d } = blobs(CENTRES, 40, 0.5, 1);
    const x = tf.tensor2d(data, [n, d]);
    const r = kMeans(x, { k: 5, seed: 3 });
    expect(purity(r.assignments, labels, 5)).toBe(true);
    expect(r.converged).toBe(true);
    const c = r.centroids.arraySync();
    for (const centre of CENTRES) {
      const best = Math.min(...c.map((row) => Math.hypot(...row.map((v, j) => v - centre[j]))));
      expect(best).toBeLessThan(0.3);
    }
    // inertia ~ n d std^2 for the right clustering
    expect(r.inertia / (n * d)).toBeGreaterThan(0.15);
    expect(r.inertia / (n * d)).toBeLessThan(0.35);
    tf.dispose([x, r.centroids]);
  });

  it("inertia never increases from one iteration to the next", () => {
    // Overlapping blobs and a random start: many iterations before convergence.
    const { data, n, d } = blobs(CENTRES.map((c) => c.map((v) => v / 5)), 60, 1, 2);
    const x = tf.tensor2d(data, [n, d]);
    for (const init of ["random", "kmeans++"] as const) {
      const r = kMeans(x, { k: 12, seed: 5, init, tolerance: 0 });
      expect(r.inertiaHistory.length).toBe(r.iterations + 1);
      expect(r.iterations).toBeGreaterThan(2);
      for (let t = 1; t < r.inertiaHistory.length; t++) {
        expect(r.inertiaHistory[t]).toBeLessThanOrEqual(r.inertiaHistory[t - 1] * (1 + 1e-6));
      }
      expect(r.inertia).toBe(r.inertiaHistory[r.inertiaHistory.length - 1]);
      r.centroids.dispose();
    }
    x.dispose();
  });

  it("is reproducible by seed, and the seed matters", () => {
    const { data, n, d } = blobs(CENTRES, 30, 2, 4);
    const x = tf.tensor2d(data, [n, d]);
    const a = kMeans(x, { k: 8, seed: 11, iterations: 0 });
    const b = kMeans(x, { k: 8, seed: 11, iterations: 0 });
    const c = kMeans(x, { k: 8, seed: 12, iterations: 0 });
    expect(Array.from(a.centroids.dataSync())).toEqual(Array.from(b.centroids.dataSync()));
    expect(Array.from(a.centroids.dataSync())).not.toEqual(Array.from(c.centroids.dataSync()));
    // k-means++ centroids are samples of x
    const rows = x.arraySync();
    for (const row of a.centroids.arraySync()) {
      expect(rows.some((r) => r.every((v, j) => Math.fround(v) === Math.fround(row[j])))).toBe(true);
    }
    tf.dispose([x, a.centroids, b.centroids, c.centroids]);
  });

  it("k-means++ spreads the initial centroids over the blobs", () => {
    const { data, labels, n, d } = blobs(CENTRES, 40, 0.3, 6);
    const x = tf.tensor2d(data, [n, d]);
    // With D^2 sampling, 5 seeds on 5 far-apart blobs land one per blob in most runs.
    let hits = 0;
    for (let s = 0; s < 10; s++) {
      const r = kMeans(x, { k: 5, seed: s, iterations: 0 });
      if (purity(r.assignments, labels, 5)) hits++;
      r.centroids.dispose();
    }
    expect(hits).toBeGreaterThanOrEqual(8);
    x.dispose();
  });

  it("assignClusters returns the nearest centroid", () => {
    const x = tf.tensor2d([[0, 0], [9, 9], [4, 6], [6, 4.9]]);
    const c = tf.tensor2d([[0, 0], [10, 10], [5, 5.5]]);
    expect(Array.from(assignClusters(x, c))).toEqual([0, 1, 2, 2]);
    tf.dispose([x, c]);
  });

  it("keeps every cluster non-empty when k equals n", () => {
    const x = tf.tensor2d([[0], [1], [2], [3]]);
    const r = kMeans(x, { k: 4, seed: 0, init: "random" });
    expect(new Set(r.assignments).size).toBe(4);
    expect(r.inertia).toBe(0);
    tf.dispose([x, r.centroids]);
  });

  it("rejects bad input with a named argument", () => {
    const x = tf.zeros([4, 2]) as tf.Tensor2D;
    expect(() => kMeans(x, { k: 5 })).toThrow(/kMeans: option 'k' must be an integer, >= 1, <= 4, got 5/);
    expect(() => kMeans(x, { k: 2, init: "best" as "random" })).toThrow(SparsekitError);
    expect(() => kMeans(x, { k: 2, iters: 3 } as never)).toThrow(/unknown option 'iters'/);
    const bad = tf.tensor2d([[NaN, 0]]);
    expect(() => kMeans(bad, { k: 1 })).toThrow(/finite/);
    const y = tf.zeros([4, 3]) as tf.Tensor2D;
    expect(() => assignClusters(x, y)).toThrow(/same number of columns/);
    tf.dispose([x, bad, y]);
  });
});
