// Shared baseline (issue 5): used by the OVR-Encoder pipeline (triangle features) and by the
// entropy-clustering experiments (k-means vs entropy clustering). Written early so others can
// build on it; keep the API stable.
import * as tf from "@tensorflow/tfjs";
import { createRng, type Rng, type Seed } from "../random/index.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { checkCodes, shapeString } from "../validation/tensorChecks.js";
import { DISTANCE_BLOCK_ROWS, rawSquaredDistances } from "./squaredDistances.js";

export interface KMeansOptions {
  /** Number of clusters, integer in [1, n]. Required. */
  k: number;
  /** Seed of the initialisation (same seed, same data -> same result). Default 0. */
  seed?: Seed;
  /** Most Lloyd iterations (update + reassignment), integer >= 0. Default 100. */
  iterations?: number;
  /**
   * Stop when the inertia falls by at most `tolerance` times its previous value in one
   * iteration, >= 0. Default 1e-6. (Runs also stop when no assignment changes.)
   */
  tolerance?: number;
  /** "kmeans++" (Arthur & Vassilvitskii 2007, default) or "random" (k distinct samples). */
  init?: "kmeans++" | "random";
}

export interface KMeansResult {
  /** Centroids [k, d] (float32); the caller disposes them. */
  centroids: tf.Tensor2D;
  /** Index of the nearest centroid of each sample, [n]. */
  assignments: Int32Array;
  /** sum_i ||x_i - c_{a_i}||^2 for the returned centroids and assignments (float64 sum). */
  inertia: number;
  /** Inertia after the initial assignment (index 0) and after each iteration; non-increasing. */
  inertiaHistory: number[];
  /** Lloyd iterations run. */
  iterations: number;
  /** True when assignments stopped changing or the tolerance was met before the iteration cap. */
  converged: boolean;
}

const KNOWN = ["k", "seed", "iterations", "tolerance", "init"] as const;

/**
 * k-means clustering by Lloyd's algorithm (SPEC.md §5.4, §5.6): minimises the inertia
 * `sum_i ||x_i - c_{a_i}||^2` over centroids c [k, d] and assignments a, for x [n, d].
 *
 * Initialisation: k-means++ (each next centroid is a sample drawn with probability proportional
 * to its squared distance to the nearest centroid so far) or k distinct random samples, from the
 * seeded RNG. Each iteration moves every centroid to the mean of its samples and reassigns each
 * sample to its nearest centroid (distances on the backend in row blocks, one matMul each). An
 * empty cluster's centroid moves to the sample farthest from its own centroid, so no cluster
 * stays empty and the inertia never rises (up to float32 rounding in the nearest-centroid test).
 * Costs O(n k d) per iteration. The returned assignments are the nearest centroids of the
 * returned centroids.
 *
 * @param x [n, d] float32, finite, n >= 1.
 * @param options k (required, 1..n), seed (0), iterations (100), tolerance (1e-6), init ("kmeans++").
 */
export function kMeans(x: tf.Tensor2D, options: KMeansOptions): KMeansResult {
  const where = "kMeans";
  checkCodes(x, where, "x", { rank: 2, meaning: "n x d: one sample per row" });
  if (options === undefined || options === null || typeof options !== "object") {
    throw new SparsekitError(`${where}: argument 'options' must be an object with at least { k }, got ${String(options)}.`);
  }
  assertKnownOptions(options, where, KNOWN);
  const [n, d] = x.shape;
  const { k } = options;
  assertNumberOption(k, where, "k", { integer: true, min: 1, max: n });
  const iterations = options.iterations ?? 100;
  assertNumberOption(iterations, where, "iterations", { integer: true, min: 0 });
  const tolerance = options.tolerance ?? 1e-6;
  assertNumberOption(tolerance, where, "tolerance", { min: 0 });
  const init = options.init ?? "kmeans++";
  assertEnumOption(init, where, "init", ["kmeans++", "random"] as const);
  const rng = createRng(options.seed ?? 0, where);

  const data = x.dataSync() as Float32Array;
  let centroids = init === "kmeans++" ? kMeansPlusPlus(data, n, d, k, rng) : randomSamples(data, n, d, k, rng);

  let { assignments, distances } = nearest(x, centroids, k, d);
  let inertia = inertiaOf(data, centroids, assignments, n, d);
  const inertiaHistory = [inertia];
  let converged = false;
  let it = 0;
  while (it < iterations) {
    it++;
    centroids = updateCentroids(data, assignments, distances, n, d, k);
    const next = nearest(x, centroids, k, d);
    let changed = 0;
    for (let i = 0; i < n; i++) if (next.assignments[i] !== assignments[i]) changed++;
    assignments = next.assignments;
    distances = next.distances;
    const previous = inertia;
    inertia = inertiaOf(data, centroids, assignments, n, d);
    inertiaHistory.push(inertia);
    if (changed === 0 || previous - inertia <= tolerance * previous) {
      converged = true;
      break;
    }
  }
  return {
    centroids: tf.tensor2d(centroids, [k, d], "float32"),
    assignments,
    inertia,
    inertiaHistory,
    iterations: it,
    converged,
  };
}

/**
 * Index of the nearest centroid (squared Euclidean distance) of each row of x [n, d], for
 * centroids [k, d], e.g. from {@link kMeans}: the k-means "predict". Returns [n] Int32Array.
 */
export function assignClusters(x: tf.Tensor2D, centroids: tf.Tensor2D): Int32Array {
  const where = "assignClusters";
  checkCodes(x, where, "x", { rank: 2, meaning: "n x d: one sample per row" });
  checkCodes(centroids, where, "centroids", { rank: 2, meaning: "k x d: one centroid per row" });
  if (x.shape[1] !== centroids.shape[1]) {
    throw new SparsekitError(
      `${where}: arguments 'x' and 'centroids' must have the same number of columns, got ${shapeString(x.shape)} and ${shapeString(centroids.shape)}.`,
    );
  }
  const c = centroids.dataSync() as Float32Array;
  return nearest(x, c, centroids.shape[0], x.shape[1]).assignments;
}

/** Nearest centroid and its squared distance for every sample, computed in row blocks. */
function nearest(x: tf.Tensor2D, centroids: Float32Array, k: number, d: number): { assignments: Int32Array; distances: Float32Array } {
  const n = x.shape[0];
  const assignments = new Int32Array(n);
  const distances = new Float32Array(n);
  const c = tf.tensor2d(centroids, [k, d], "float32");
  try {
    for (let start = 0; start < n; start += DISTANCE_BLOCK_ROWS) {
      const rows = Math.min(DISTANCE_BLOCK_ROWS, n - start);
      const [idx, dist] = tf.tidy(() => {
        const block = rows === n ? x : tf.slice(x, [start, 0], [rows, d]);
        const dm = rawSquaredDistances(block, c);
        return [tf.argMin(dm, 1), tf.min(dm, 1)];
      });
      assignments.set(idx.dataSync() as Int32Array, start);
      distances.set(dist.dataSync() as Float32Array, start);
      idx.dispose();
      dist.dispose();
    }
  } finally {
    c.dispose();
  }
  return { assignments, distances };
}

function inertiaOf(data: Float32Array, c: Float32Array, a: Int32Array, n: number, d: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    const co = a[i] * d;
    for (let j = 0; j < d; j++) {
      const diff = data[xo + j] - c[co + j];
      total += diff * diff;
    }
  }
  return total;
}

/** Means of the clusters (float64 sums); empty clusters take the samples farthest from their centroids. */
function updateCentroids(data: Float32Array, a: Int32Array, dist: Float32Array, n: number, d: number, k: number): Float32Array {
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const co = a[i] * d;
    const xo = i * d;
    counts[a[i]]++;
    for (let j = 0; j < d; j++) sums[co + j] += data[xo + j];
  }
  const out = new Float32Array(k * d);
  const empty: number[] = [];
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) {
      empty.push(c);
      continue;
    }
    for (let j = 0; j < d; j++) out[c * d + j] = sums[c * d + j] / counts[c];
  }
  if (empty.length > 0) {
    // Farthest samples first; an empty centroid moved onto a sample lowers that sample's distance.
    const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => dist[q] - dist[p]);
    empty.forEach((c, e) => {
      const i = order[e];
      out.set(data.subarray(i * d, (i + 1) * d), c * d);
    });
  }
  return out;
}

function randomSamples(data: Float32Array, n: number, d: number, k: number, rng: Rng): Float32Array {
  const perm = rng.permutation(n);
  const out = new Float32Array(k * d);
  for (let c = 0; c < k; c++) out.set(data.subarray(perm[c] * d, (perm[c] + 1) * d), c * d);
  return out;
}

/** k-means++ seeding (D^2 sampling), in JS float64: O(n k d). */
function kMeansPlusPlus(data: Float32Array, n: number, d: number, k: number, rng: Rng): Float32Array {
  const out = new Float32Array(k * d);
  const minDist = new Float64Array(n).fill(Infinity);
  let chosen = rng.int(n);
  for (let c = 0; c < k; c++) {
    out.set(data.subarray(chosen * d, (chosen + 1) * d), c * d);
    if (c === k - 1) break;
    const co = chosen * d;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const xo = i * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const diff = data[xo + j] - data[co + j];
        s += diff * diff;
      }
      if (s < minDist[i]) minDist[i] = s;
      total += minDist[i];
    }
    if (total <= 0) {
      // Fewer distinct points than k: every sample already coincides with a centroid; pick any.
      chosen = rng.int(n);
      continue;
    }
    let r = rng.next() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= minDist[i];
      if (r < 0) {
        pick = i;
        break;
      }
    }
    chosen = pick;
  }
  return out;
}
