// Shared baseline (issue 5): random ReLU features, the untrained control of the OVR-Encoder.
import * as tf from "@tensorflow/tfjs";
import { createRng, type Seed } from "../random/index.js";
import { randomNormal } from "../train/initializers.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { checkCodes, shapeString } from "../validation/tensorChecks.js";

export interface RandomReluFeaturesOptions {
  /** Input dimension d, integer >= 1. Required. */
  inputDim: number;
  /** Number of features K, integer >= 1. Required. */
  width: number;
  /** Seed of the weights. Default 0. */
  seed?: Seed;
  /** Standard deviation of the bias entries, >= 0. Default 0 (no bias). */
  biasStd?: number;
}

/**
 * Random ReLU features (SPEC.md §5.4): `h = relu(W x + b)` with fixed random W [K, d], entries
 * N(0, 1/d) (so for unit-variance inputs such as PCA-whitened data each pre-activation has
 * variance ~1) and b ~ N(0, biasStd^2) (default b = 0). That is the distribution the
 * OVR-Encoder starts from, so these features are its untrained control at the same width.
 * Drawn in JS from the seeded RNG: the same seed gives the same features on every backend.
 */
export class RandomReluFeatures {
  readonly inputDim: number;
  readonly width: number;
  /** W [K, d]. */
  readonly weights: tf.Tensor2D;
  /** b [K]. */
  readonly bias: tf.Tensor1D;

  constructor(options: RandomReluFeaturesOptions) {
    const where = "RandomReluFeatures";
    if (options === undefined || options === null || typeof options !== "object") {
      throw new SparsekitError(`${where}: argument 'options' must be an object with { inputDim, width }, got ${String(options)}.`);
    }
    assertKnownOptions(options, where, ["inputDim", "width", "seed", "biasStd"]);
    assertNumberOption(options.inputDim, where, "inputDim", { integer: true, min: 1 });
    assertNumberOption(options.width, where, "width", { integer: true, min: 1 });
    const biasStd = options.biasStd ?? 0;
    assertNumberOption(biasStd, where, "biasStd", { min: 0 });
    this.inputDim = options.inputDim;
    this.width = options.width;
    const rng = createRng(options.seed ?? 0, where);
    this.weights = randomNormal([this.width, this.inputDim], 0, 1 / Math.sqrt(this.inputDim), rng) as tf.Tensor2D;
    this.bias = (biasStd > 0 ? randomNormal([this.width], 0, biasStd, rng) : tf.zeros([this.width])) as tf.Tensor1D;
  }

  /** Features relu(x W^T + b) [n, K] for x [n, d]; caller disposes. */
  transform(x: tf.Tensor2D): tf.Tensor2D {
    const where = "RandomReluFeatures.transform";
    if (this.weights.isDisposed) throw new SparsekitError(`${where}: the features were disposed.`);
    checkCodes(x, where, "x", { rank: 2, meaning: "n x d: one sample per row" });
    if (x.shape[1] !== this.inputDim) {
      throw new SparsekitError(`${where}: argument 'x' must have ${this.inputDim} columns, got shape ${shapeString(x.shape)}.`);
    }
    return tf.tidy(() => tf.relu(tf.add(tf.matMul(x, this.weights, false, true), this.bias)) as tf.Tensor2D);
  }

  dispose(): void {
    this.weights.dispose();
    this.bias.dispose();
  }
}
