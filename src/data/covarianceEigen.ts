import * as tf from "@tensorflow/tfjs";
import { checkCodes } from "../validation/tensorChecks.js";
import { symmetricEigen } from "./symmetricEigen.js";

/** Mean and eigen-decomposition of the sample covariance of a data matrix. */
export interface CovarianceEigen {
  n: number;
  d: number;
  /** Per-feature mean [d]. */
  mean: Float32Array;
  /** Covariance eigenvalues, largest first, clamped at 0 (rounding can make them slightly negative). */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major d x d matrix (see {@link symmetricEigen}). */
  vectors: Float64Array;
}

/**
 * Sample covariance `C = (x - mean)^T (x - mean) / (n - 1)` of x [n, d] (computed by tfjs in
 * float32, then symmetrised) and its eigen-decomposition in float64. Shared by {@link Pca} and
 * {@link Whitening}. Cost O(n d^2) + O(d^3).
 */
export function covarianceEigen(x: tf.Tensor2D, where: string): CovarianceEigen {
  checkCodes(x, where, "x", { rank: 2, minBatch: 2, why: "a covariance needs two samples", meaning: "n x d: one sample per row" });
  const [n, d] = x.shape;
  const { mean, cov } = tf.tidy(() => {
    const m = tf.mean(x, 0);
    const xc = tf.sub(x, m);
    const c = tf.div(tf.matMul(xc, xc, true, false), n - 1);
    return { mean: m.dataSync() as Float32Array, cov: c.dataSync() as Float32Array };
  });
  const sym = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const v = 0.5 * (cov[i * d + j] + cov[j * d + i]);
      sym[i * d + j] = v;
      sym[j * d + i] = v;
    }
  }
  const eig = symmetricEigen(sym, d);
  for (let i = 0; i < d; i++) if (eig.values[i] < 0) eig.values[i] = 0;
  return { n, d, mean: Float32Array.from(mean), values: eig.values, vectors: eig.vectors };
}
