// Shared baseline (issue 5): k-means "triangle" features for the OVR-Encoder comparison.
import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { checkCodes, shapeString } from "../validation/tensorChecks.js";
import { DISTANCE_BLOCK_ROWS, rawSquaredDistances } from "./squaredDistances.js";

/**
 * k-means "triangle" features (Coates, Lee & Ng 2011, "An analysis of single-layer networks in
 * unsupervised feature learning"), SPEC.md §5.4: with `z_k = ||x - c_k||` the distance of a
 * sample to centroid k,
 * `f_k(x) = max(0, mean_j z_j - z_k)`:
 * a unit is active only for samples closer to its centroid than to the average centroid, so
 * about half the features are zero — a sparse, non-linear encoding of the same width as k.
 *
 * @param x [n, d] float32, finite.
 * @param centroids [k, d] (e.g. kMeans(...).centroids), k >= 1.
 * @returns [n, k] float32, >= 0; the caller disposes it. Computed in row blocks of 2048.
 */
export function triangleFeatures(x: tf.Tensor2D, centroids: tf.Tensor2D): tf.Tensor2D {
  const where = "triangleFeatures";
  checkCodes(x, where, "x", { rank: 2, meaning: "n x d: one sample per row" });
  checkCodes(centroids, where, "centroids", { rank: 2, meaning: "k x d: one centroid per row" });
  if (x.shape[1] !== centroids.shape[1]) {
    throw new SparsekitError(
      `${where}: arguments 'x' and 'centroids' must have the same number of columns, got ${shapeString(x.shape)} and ${shapeString(centroids.shape)}.`,
    );
  }
  const n = x.shape[0];
  const blocks: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < n; start += DISTANCE_BLOCK_ROWS) {
      const rows = Math.min(DISTANCE_BLOCK_ROWS, n - start);
      blocks.push(
        tf.tidy(() => {
          const block = rows === n ? x : tf.slice(x, [start, 0], [rows, x.shape[1]]);
          const z = tf.sqrt(rawSquaredDistances(block, centroids));
          return tf.relu(tf.sub(tf.mean(z, 1, true), z)) as tf.Tensor2D;
        }),
      );
    }
    return blocks.length === 1 ? blocks[0] : (tf.concat(blocks, 0) as tf.Tensor2D);
  } finally {
    if (blocks.length > 1) for (const b of blocks) b.dispose();
  }
}
