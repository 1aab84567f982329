import * as tf from "@tensorflow/tfjs";
import { assertBooleanOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { checkCodes, shapeString } from "../validation/tensorChecks.js";
import { covarianceEigen } from "./covarianceEigen.js";

export interface PcaOptions {
  /** Number of components k (default: all d). */
  nComponents?: number;
  /** Scale each projected coordinate to unit variance: z_j / sqrt(lambda_j + epsilon) (default false). */
  whiten?: boolean;
  /** Added to the eigenvalues when whitening (default 0; must make every kept lambda + epsilon > 0). */
  epsilon?: number;
}

/**
 * Principal component analysis (SPEC.md §4, used by the OVR-Encoder pipeline). From the sample
 * covariance C = U diag(lambda) U^T of x [n, d] (n - 1 normalisation), keeps the k eigenvectors
 * of largest eigenvalue as `components` [k, d] (rows, orthonormal, each signed so its largest
 * entry is positive) and projects z = (x - mean) U_k^T [n, k], optionally whitened by
 * 1/sqrt(lambda + epsilon). `explainedVariance` holds the k eigenvalues (variance along each
 * component), `explainedVarianceRatio` their share of the total variance. Fitting costs
 * O(n d^2 + d^3). Call `dispose()` to free the fitted tensors.
 */
export class Pca {
  readonly nComponents: number | undefined;
  readonly whiten: boolean;
  readonly epsilon: number;
  /** Variance along each kept component (eigenvalues), largest first. */
  explainedVariance: Float64Array | undefined;
  /** explainedVariance / total variance (sum of all d eigenvalues). */
  explainedVarianceRatio: Float64Array | undefined;
  private mu: tf.Tensor1D | undefined;
  private comps: tf.Tensor2D | undefined;
  private proj: tf.Tensor2D | undefined;
  private back: tf.Tensor2D | undefined;

  constructor(opts: PcaOptions = {}) {
    const where = "Pca";
    assertKnownOptions(opts, where, ["nComponents", "whiten", "epsilon"]);
    const whiten = opts.whiten ?? false;
    const epsilon = opts.epsilon ?? 0;
    if (opts.nComponents !== undefined) assertNumberOption(opts.nComponents, where, "nComponents", { integer: true, min: 1 });
    assertBooleanOption(whiten, where, "whiten");
    assertNumberOption(epsilon, where, "epsilon", { min: 0 });
    this.nComponents = opts.nComponents;
    this.whiten = whiten;
    this.epsilon = epsilon;
  }

  /** Fits the mean and the principal components to x [n, d] (n >= 2). Returns this. */
  fit(x: tf.Tensor2D): this {
    const where = "Pca.fit";
    const eig = covarianceEigen(x, where);
    const { d, values, vectors } = eig;
    const k = this.nComponents ?? d;
    if (k > d) {
      throw new SparsekitError(`${where}: option 'nComponents' must be at most the data dimension ${d}, got ${k}.`);
    }
    const scale = new Float32Array(k);
    for (let j = 0; j < k; j++) {
      if (this.whiten && !(values[j] + this.epsilon > 1e-12 * Math.max(values[0], 1e-30))) {
        throw new SparsekitError(
          `${where}: component ${j} has variance ${values[j].toExponential(3)}, so whitening would divide by ~0; keep fewer components (nComponents <= ${j}) or pass epsilon > 0.`,
        );
      }
      scale[j] = this.whiten ? 1 / Math.sqrt(values[j] + this.epsilon) : 1;
    }
    this.dispose();
    let total = 0;
    for (let j = 0; j < d; j++) total += values[j];
    this.explainedVariance = values.slice(0, k);
    this.explainedVarianceRatio = this.explainedVariance.map((v) => (total > 0 ? v / total : 0));
    this.mu = tf.tensor1d(eig.mean, "float32");
    const uk = new Float32Array(d * k); // d x k: the kept eigenvectors as columns
    for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) uk[i * k + j] = vectors[i * d + j];
    [this.comps, this.proj, this.back] = tf.tidy(() => {
      const u = tf.tensor2d(uk, [d, k]);
      const s = tf.tensor1d(scale);
      return [tf.transpose(u), tf.mul(u, s), tf.transpose(tf.div(u, s))] as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    });
    return this;
  }

  /** Principal axes as rows [k, d] (orthonormal). Caller disposes. */
  components(): tf.Tensor2D {
    return this.fitted("Pca.components").comps.clone();
  }

  /** The fitted mean [d]. Caller disposes. */
  mean(): tf.Tensor1D {
    return this.fitted("Pca.mean").mu.clone();
  }

  /** z = (x - mean) U_k^T (whitened: / sqrt(lambda + epsilon)) for x [n, d]; returns [n, k]. */
  transform(x: tf.Tensor2D): tf.Tensor2D {
    const f = this.fitted("Pca.transform");
    this.checkInput(x, "Pca.transform", "x", f.mu.shape[0]);
    return tf.tidy(() => tf.matMul(tf.sub(x, f.mu), f.proj));
  }

  /** Maps codes z [n, k] back to the input space [n, d]: the projection of x onto the kept components. */
  inverseTransform(z: tf.Tensor2D): tf.Tensor2D {
    const f = this.fitted("Pca.inverseTransform");
    this.checkInput(z, "Pca.inverseTransform", "z", f.comps.shape[0]);
    return tf.tidy(() => tf.add(tf.matMul(z, f.back), f.mu));
  }

  /** Frees the fitted tensors (a later fit() allocates new ones). */
  dispose(): void {
    this.mu?.dispose();
    this.comps?.dispose();
    this.proj?.dispose();
    this.back?.dispose();
    this.mu = this.comps = this.proj = this.back = undefined;
  }

  private fitted(where: string): { mu: tf.Tensor1D; comps: tf.Tensor2D; proj: tf.Tensor2D; back: tf.Tensor2D } {
    if (!this.mu || !this.comps || !this.proj || !this.back) throw new SparsekitError(`${where}: the PCA is not fitted; call fit(x) first.`);
    return { mu: this.mu, comps: this.comps, proj: this.proj, back: this.back };
  }

  private checkInput(x: tf.Tensor2D, where: string, name: string, cols: number): void {
    checkCodes(x, where, name, { rank: 2, meaning: "one sample per row" });
    if (x.shape[1] !== cols) {
      throw new SparsekitError(`${where}: argument '${name}' must have ${cols} columns, got shape ${shapeString(x.shape)}.`);
    }
  }
}
