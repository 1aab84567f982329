import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertNumberOption } from "../validation/optionChecks.js";
import { checkCodes } from "../validation/tensorChecks.js";
import { DISTANCE_BLOCK_ROWS, rawSquaredDistances } from "./squaredDistances.js";

/** The k nearest neighbours (Euclidean, self excluded) of every row of x [n, d]: n x k indices, nearest first. */
export interface KnnGraph {
  n: number;
  k: number;
  /** Row-major n x k neighbour indices. */
  neighbours: Int32Array;
}

/**
 * k nearest neighbours of every row of x (self excluded), in row blocks (memory ~ block x n
 * floats). Feeds {@link labelSpreading}; one graph serves every k' <= k (take the first k').
 */
export function knnGraph(x: tf.Tensor2D, k: number): KnnGraph {
  const where = "knnGraph";
  checkCodes(x, where, "x", { rank: 2, meaning: "n x d: one sample per row" });
  const n = x.shape[0];
  assertNumberOption(k, where, "k", { integer: true, min: 1 });
  if (k >= n) throw new SparsekitError(`${where}: option 'k' must be below the number of rows ${n}, got ${k}.`);
  const neighbours = new Int32Array(n * k);
  for (let start = 0; start < n; start += DISTANCE_BLOCK_ROWS) {
    const rows = Math.min(DISTANCE_BLOCK_ROWS, n - start);
    const idx = tf.tidy(() => {
      const block = tf.slice(x, [start, 0], [rows, -1]);
      const d = rawSquaredDistances(block, x);
      // Push each row's own distance to +inf so it is never its own neighbour.
      const self = tf.oneHot(tf.range(start, start + rows, 1, "int32"), n);
      const masked = tf.add(d, tf.mul(self, 1e30));
      return tf.topk(tf.neg(masked), k, true).indices;
    });
    neighbours.set(idx.dataSync() as Int32Array, start * k);
    idx.dispose();
  }
  return { n, k, neighbours };
}

export interface LabelSpreadingOptions {
  /** Neighbours per point (<= the graph's k). Default: the graph's k. */
  k?: number;
  /** Weight of the propagated labels against the given ones, in (0, 1). Default 0.99 (Zhou et al. 2004). */
  alpha?: number;
  /** Iterations of F <- alpha S F + (1 - alpha) Y. Default 100. */
  iterations?: number;
  numClasses: number;
}

/**
 * Label spreading (Zhou, Bousquet, Lal, Weston & Schoelkopf 2004, "Learning with local and
 * global consistency") on a symmetrised kNN graph with 0/1 weights: S = D^-1/2 W D^-1/2,
 * F <- alpha S F + (1 - alpha) Y, prediction = argmax F. `labels[i]` counts where `mask[i]` is 1.
 * Transductive: every node of the graph (labelled or not) gets a prediction. Plain arrays, no tensors.
 */
export function labelSpreading(graph: KnnGraph, labels: ArrayLike<number>, mask: ArrayLike<number>, options: LabelSpreadingOptions): Int32Array {
  const where = "labelSpreading";
  const k = options.k ?? graph.k;
  const alpha = options.alpha ?? 0.99;
  const iterations = options.iterations ?? 100;
  const c = options.numClasses;
  assertNumberOption(k, where, "k", { integer: true, min: 1, max: graph.k });
  assertNumberOption(alpha, where, "alpha", { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  assertNumberOption(iterations, where, "iterations", { integer: true, min: 1 });
  assertNumberOption(c, where, "numClasses", { integer: true, min: 2 });
  const n = graph.n;
  if (labels.length !== n || mask.length !== n) throw new SparsekitError(`${where}: 'labels' and 'mask' must have one entry per node (${n}).`);
  // Symmetrised adjacency lists (i ~ j if either is among the other's k nearest).
  const adj: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = graph.neighbours[i * graph.k + t]!;
      adj[i]!.add(j);
      adj[j]!.add(i);
    }
  }
  const lists = adj.map((s) => Int32Array.from(s));
  const invSqrtDeg = Float64Array.from(lists, (l) => 1 / Math.sqrt(Math.max(1, l.length)));
  const y = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    if (mask[i]) {
      const l = labels[i]!;
      if (!Number.isInteger(l) || l < 0 || l >= c) throw new SparsekitError(`${where}: label ${l} of node ${i} is not in [0, ${c}).`);
      y[i * c + l] = 1;
    }
  }
  let f = Float64Array.from(y);
  let next = new Float64Array(n * c);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) {
      const base = i * c;
      for (let q = 0; q < c; q++) next[base + q] = (1 - alpha) * y[base + q]!;
      const li = lists[i]!;
      const si = alpha * invSqrtDeg[i]!;
      for (let t = 0; t < li.length; t++) {
        const j = li[t]!;
        const w = si * invSqrtDeg[j]!;
        const jb = j * c;
        for (let q = 0; q < c; q++) next[base + q] += w * f[jb + q]!;
      }
    }
    [f, next] = [next, f];
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let q = 1; q < c; q++) if (f[i * c + q]! > f[i * c + best]!) best = q;
    out[i] = best;
  }
  return out;
}
