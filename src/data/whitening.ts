import * as tf from "@tensorflow/tfjs";
import { assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { checkCodes, shapeString } from "../validation/tensorChecks.js";
import { covarianceEigen } from "./covarianceEigen.js";

export interface WhiteningOptions {
  /** "zca" (default): rotate back to pixel space, W = U S U^T; "pca": W = S U^T (axes = principal components). */
  method?: "pca" | "zca";
  /**
   * Regulariser added to every eigenvalue (default 1e-5): S = diag(1 / sqrt(lambda + epsilon)).
   * Choose it relative to the eigenvalues: directions with lambda << epsilon are damped instead of
   * blown up (e.g. 0.1 for raw [0, 1] image patches gives smoother filters, 1e-5 whitens nearly fully).
   */
  epsilon?: number;
}

/**
 * PCA or ZCA whitening of d-dimensional data (SPEC.md §4): with the sample covariance
 * C = U diag(lambda) U^T (n - 1 normalisation) and mean mu, a sample x maps to z = W (x - mu) with
 * W = diag(1/sqrt(lambda + eps)) U^T (PCA) or W = U diag(1/sqrt(lambda + eps)) U^T (ZCA, symmetric,
 * the whitening closest to the identity, so whitened patches still look like images). The
 * covariance of z is diag(lambda / (lambda + eps)) ~ I. `inverseTransform` maps back (for display).
 * Fitting costs O(n d^2 + d^3) (the eigensolver: ~0.2 s at d = 256, a few s at d = 784).
 * Call `dispose()` to free the fitted tensors.
 */
export class Whitening {
  readonly method: "pca" | "zca";
  readonly epsilon: number;
  /** Covariance eigenvalues of the fitted data, largest first. */
  eigenvalues: Float64Array | undefined;
  private mu: tf.Tensor1D | undefined;
  private wT: tf.Tensor2D | undefined;
  private wInvT: tf.Tensor2D | undefined;

  constructor(opts: WhiteningOptions = {}) {
    const where = "Whitening";
    assertKnownOptions(opts, where, ["method", "epsilon"]);
    const method = opts.method ?? "zca";
    const epsilon = opts.epsilon ?? 1e-5;
    assertEnumOption(method, where, "method", ["pca", "zca"] as const);
    assertNumberOption(epsilon, where, "epsilon", { min: 0 });
    this.method = method;
    this.epsilon = epsilon;
  }

  /** Fits mean and whitening matrix to x [n, d] (n >= 2). Returns this. */
  fit(x: tf.Tensor2D): this {
    const where = "Whitening.fit";
    const eig = covarianceEigen(x, where);
    const { d, values, vectors } = eig;
    const top = values[0];
    const worst = values[d - 1] + this.epsilon;
    if (!(worst > 1e-12 * Math.max(top, 1e-30))) {
      throw new SparsekitError(
        `${where}: the covariance of 'x' is singular (smallest eigenvalue ${values[d - 1].toExponential(3)}, largest ${top.toExponential(3)}) and epsilon is ${this.epsilon}; pass epsilon > 0 (e.g. 1e-5 times the largest eigenvalue or more).`,
      );
    }
    this.dispose();
    this.eigenvalues = values;
    this.mu = tf.tensor1d(eig.mean, "float32");
    const s = new Float32Array(d);
    const sInv = new Float32Array(d);
    for (let j = 0; j < d; j++) {
      s[j] = 1 / Math.sqrt(values[j] + this.epsilon);
      sInv[j] = Math.sqrt(values[j] + this.epsilon);
    }
    [this.wT, this.wInvT] = tf.tidy(() => {
      const u = tf.tensor2d(Float32Array.from(vectors), [d, d]); // columns = eigenvectors
      const us = tf.mul(u, tf.tensor1d(s)); // U S
      const usInv = tf.mul(u, tf.tensor1d(sInv)); // U S^-1
      // z = x_c W^T. PCA: W^T = U S. ZCA: W^T = U S U^T. Inverse: x_c = z (W^-1)^T.
      if (this.method === "pca") return [us, tf.transpose(usInv)] as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(us, u, false, true), tf.matMul(usInv, u, false, true)] as [tf.Tensor2D, tf.Tensor2D];
    });
    return this;
  }

  /** The d x d whitening matrix W (z = W (x - mu) per sample); symmetric for ZCA. Caller disposes. */
  matrix(): tf.Tensor2D {
    return tf.transpose(this.fitted("Whitening.matrix").wT);
  }

  /** The fitted mean [d]. Caller disposes. */
  mean(): tf.Tensor1D {
    return this.fitted("Whitening.mean").mu.clone();
  }

  /** z = (x - mu) W^T for x [n, d]; returns [n, d]. */
  transform(x: tf.Tensor2D): tf.Tensor2D {
    const f = this.fitted("Whitening.transform");
    this.checkInput(x, "Whitening.transform", f.mu.shape[0]);
    return tf.tidy(() => tf.matMul(tf.sub(x, f.mu), f.wT));
  }

  /** x = z (W^-1)^T + mu for z [n, d]: undoes {@link transform} (up to float32 rounding). */
  inverseTransform(z: tf.Tensor2D): tf.Tensor2D {
    const f = this.fitted("Whitening.inverseTransform");
    this.checkInput(z, "Whitening.inverseTransform", f.mu.shape[0], "z");
    return tf.tidy(() => tf.add(tf.matMul(z, f.wInvT), f.mu));
  }

  /** Frees the fitted tensors (a later fit() allocates new ones). */
  dispose(): void {
    this.mu?.dispose();
    this.wT?.dispose();
    this.wInvT?.dispose();
    this.mu = this.wT = this.wInvT = undefined;
  }

  private fitted(where: string): { mu: tf.Tensor1D; wT: tf.Tensor2D; wInvT: tf.Tensor2D } {
    if (!this.mu || !this.wT || !this.wInvT) throw new SparsekitError(`${where}: the whitening is not fitted; call fit(x) first.`);
    return { mu: this.mu, wT: this.wT, wInvT: this.wInvT };
  }

  private checkInput(x: tf.Tensor2D, where: string, d: number, name = "x"): void {
    checkCodes(x, where, name, { rank: 2, meaning: "n x d: one sample per row" });
    if (x.shape[1] !== d) {
      throw new SparsekitError(`${where}: argument '${name}' must have ${d} columns (the fitted dimension), got shape ${shapeString(x.shape)}.`);
    }
  }
}
