import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { checkCodes, shapeString } from "../validation/tensorChecks.js";

/**
 * Squared Euclidean distances between the rows of x [n, d] and the rows of c [k, d]:
 * `D_ij = ||x_i - c_j||^2 = ||x_i||^2 - 2 <x_i, c_j> + ||c_j||^2`, clamped at 0 (the expansion
 * can go slightly negative in float32). Returns [n, k]; the caller disposes it. One matMul, so
 * O(n k d); callers that need bounded memory pass x in row blocks. Shared by k-means and the
 * triangle features (SPEC.md §5.4).
 */
export function squaredDistances(x: tf.Tensor2D, c: tf.Tensor2D, where = "squaredDistances"): tf.Tensor2D {
  checkCodes(x, where, "x", { rank: 2, meaning: "n x d: one sample per row" });
  checkCodes(c, where, "centroids", { rank: 2, meaning: "k x d: one centroid per row" });
  if (x.shape[1] !== c.shape[1]) {
    throw new SparsekitError(
      `${where}: arguments 'x' and 'centroids' must have the same number of columns, got ${shapeString(x.shape)} and ${shapeString(c.shape)}.`,
    );
  }
  return rawSquaredDistances(x, c);
}

/** {@link squaredDistances} without the input checks (for inner loops that checked once). */
export function rawSquaredDistances(x: tf.Tensor2D, c: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const xx = tf.sum(tf.square(x), 1, true); // [n, 1]
    const cc = tf.reshape(tf.sum(tf.square(c), 1), [1, -1]); // [1, k]
    const xc = tf.matMul(x, c, false, true); // [n, k]
    return tf.relu(tf.add(tf.sub(xx, tf.mul(2, xc)), cc)) as tf.Tensor2D;
  });
}

/** Rows per block when a distance matrix is computed piecewise (bounds memory at ~blockRows * k floats). */
export const DISTANCE_BLOCK_ROWS = 2048;
