import * as tf from "@tensorflow/tfjs";
import { createRng, deriveSeed } from "../random/index.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { normalizeColumns } from "./dictionaryUpdate.js";
import { logScaleNll } from "./logScaleNll.js";
import { inferVarianceCodes } from "./varianceCodeInference.js";

export interface HierarchicalSparseCoderConfig {
  /** M: first-layer units (atoms). */
  atoms: number;
  /** K: second-layer units (columns of B). */
  units: number;
  /** L1 weight on the second-layer codes c. */
  lambda: number;
  /** Added to |a| (exact zeros of a sparse code have no finite log-scale): m = |a| + floor. */
  floor: number;
  /** Rate of the gradient step on B (columns renormalised after it). Default 0.05. */
  learningRate?: number;
  /** Rate of the step on the per-atom log-scale bias. Default: learningRate. */
  biasLearningRate?: number;
  /** ISTA iterations per batch. Default 50. */
  inferenceIterations?: number;
  /** Seeds the random unit-norm B and the batch order. Default 0. */
  seed?: number;
}

export type ResolvedHierarchicalSparseCoderConfig = Required<HierarchicalSparseCoderConfig>;

/** Numbers of one learning step, on its batch (codes before the update). */
export interface HierarchicalStepRecord {
  step: number;
  /** Mean NLL of the batch's magnitudes given its MAP c (nats per sample). */
  nll: number;
  /** nll + lambda ||c||_1 (batch mean). */
  energy: number;
  /** Mean number of non-zero c per sample. */
  l0: number;
}

const KNOWN = ["atoms", "units", "lambda", "floor", "learningRate", "biasLearningRate", "inferenceIterations", "seed"] as const;

/**
 * The second layer of hierarchical sparse coding (SPEC §3, seed 004; Karklin & Lewicki 2005):
 * first-layer codes a (N x M, e.g. LCA codes) get a Laplacian prior whose log-scale is set by
 * sparse second-layer codes c: `log sigma = B c + bias`, energy per sample
 * `sum_i (|a_i| / sigma_i + log sigma_i) + lambda ||c||_1` (with |a| + floor for |a|). Inference:
 * inferVarianceCodes. Learning: gradient of the energy at the MAP c,
 * `B -= eta mean((1 - m/sigma) c^T)`, columns renormalised (c carries the scale);
 * `bias -= eta_b mean(1 - m/sigma)`. A column of B says which first-layer atoms change their
 * variance together.
 */
export class HierarchicalSparseCoder {
  readonly config: ResolvedHierarchicalSparseCoderConfig;
  private basisTensor: tf.Tensor2D;
  private biasTensor: tf.Tensor1D;
  private steps = 0;

  private constructor(config: ResolvedHierarchicalSparseCoderConfig, basis: tf.Tensor2D, bias: tf.Tensor1D) {
    this.config = config;
    this.basisTensor = basis;
    this.biasTensor = bias;
  }

  static create(config: HierarchicalSparseCoderConfig): HierarchicalSparseCoder {
    const where = "HierarchicalSparseCoder.create";
    if (config === null || typeof config !== "object") throw new SparsekitError(`${where}: argument 'config' must be an object.`);
    assertKnownOptions(config, where, KNOWN);
    const c: ResolvedHierarchicalSparseCoderConfig = {
      atoms: config.atoms,
      units: config.units,
      lambda: config.lambda,
      floor: config.floor,
      learningRate: config.learningRate ?? 0.05,
      biasLearningRate: config.biasLearningRate ?? config.learningRate ?? 0.05,
      inferenceIterations: config.inferenceIterations ?? 50,
      seed: config.seed ?? 0,
    };
    assertNumberOption(c.atoms, where, "atoms", { min: 1, integer: true });
    assertNumberOption(c.units, where, "units", { min: 1, integer: true });
    assertNumberOption(c.lambda, where, "lambda", { min: 0 });
    assertNumberOption(c.floor, where, "floor", { min: 0, exclusiveMin: true });
    assertNumberOption(c.learningRate, where, "learningRate", { min: 0, exclusiveMin: true });
    assertNumberOption(c.biasLearningRate, where, "biasLearningRate", { min: 0 });
    assertNumberOption(c.inferenceIterations, where, "inferenceIterations", { min: 1, integer: true });
    assertNumberOption(c.seed, where, "seed", { min: 0, integer: true });
    const basis = tf.tidy(() => normalizeColumns(tf.randomNormal([c.atoms, c.units], 0, 1, "float32", deriveSeed(c.seed, "hsc-basis"))));
    return new HierarchicalSparseCoder(c, basis, tf.zeros([c.atoms]));
  }

  /** B (M x K, unit-norm columns). Owned by the coder. */
  get basis(): tf.Tensor2D {
    return this.basisTensor;
  }

  /** Per-atom log-scale bias (M). Owned by the coder. */
  get bias(): tf.Tensor1D {
    return this.biasTensor;
  }

  get stepCount(): number {
    return this.steps;
  }

  /** m = |a| + floor for first-layer codes a (N x M). */
  magnitudes(a: tf.Tensor2D): tf.Tensor2D {
    if (a.rank !== 2 || a.shape[1] !== this.config.atoms) {
      throw new SparsekitError(`HierarchicalSparseCoder: first-layer codes must be N x ${this.config.atoms}, got [${a.shape.join(", ")}].`);
    }
    return tf.tidy(() => tf.add(tf.abs(a), this.config.floor) as tf.Tensor2D);
  }

  /**
   * Sets the bias to the first layer alone's maximum-likelihood log-scales, log mean_n m_ni
   * (c = 0 then reproduces the independent model). Returns them (caller disposes).
   */
  fitBias(m: tf.Tensor2D): tf.Tensor1D {
    const logMean = tf.tidy(() => tf.log(tf.mean(m, 0)) as tf.Tensor1D);
    this.biasTensor.dispose();
    this.biasTensor = tf.clone(logMean);
    return logMean;
  }

  /** MAP second-layer codes c (N x K) of magnitudes m. */
  encode(m: tf.Tensor2D, options: { iterations?: number; recordEnergy?: boolean } = {}): { codes: tf.Tensor2D; energy?: number[] } {
    return inferVarianceCodes(m, this.basisTensor, this.biasTensor, {
      lambda: this.config.lambda,
      iterations: options.iterations ?? this.config.inferenceIterations,
      recordEnergy: options.recordEnergy ?? false,
    });
  }

  /** log sigma = B c + bias (N x M). */
  logScale(codes: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(codes, this.basisTensor, false, true), this.biasTensor) as tf.Tensor2D);
  }

  /** Per-sample NLL of m given codes c (nats). */
  nll(m: tf.Tensor2D, codes: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => logScaleNll(m, this.logScale(codes)));
  }

  /** One learning step on a batch of magnitudes m (B x M), at rate `learningRate` (default the config's). */
  step(m: tf.Tensor2D, learningRate = this.config.learningRate): HierarchicalStepRecord {
    const { codes } = this.encode(m);
    const n = m.shape[0];
    const [nll, energy, l0, basis, bias] = tf.tidy(() => {
      const s = this.logScale(codes);
      const w = tf.mul(m, tf.exp(tf.neg(s)));
      const perSample = tf.sum(tf.add(w, s), 1);
      const l1 = tf.mul(this.config.lambda, tf.sum(tf.abs(codes), 1));
      const resid = tf.sub(1, w); // d energy / d s
      const gradB = tf.div(tf.matMul(resid, codes, true, false), n);
      const gradBias = tf.mean(resid, 0);
      const rateBias = (this.config.biasLearningRate * learningRate) / this.config.learningRate;
      return [
        tf.mean(perSample).dataSync()[0]!,
        tf.mean(tf.add(perSample, l1)).dataSync()[0]!,
        tf.mean(tf.sum(tf.cast(tf.notEqual(codes, 0), "float32"), 1)).dataSync()[0]!,
        normalizeColumns(tf.sub(this.basisTensor, tf.mul(learningRate, gradB)) as tf.Tensor2D),
        tf.sub(this.biasTensor, tf.mul(rateBias, gradBias)) as tf.Tensor1D,
      ] as const;
    });
    codes.dispose();
    this.basisTensor.dispose();
    this.biasTensor.dispose();
    this.basisTensor = basis;
    this.biasTensor = bias;
    this.steps++;
    return { step: this.steps, nll, energy, l0 };
  }

  /** Trains on seeded random minibatches of magnitudes (N x M), the rate annealed linearly from `learningRate` to `finalLearningRate`. */
  fit(m: tf.Tensor2D, options: { steps: number; batchSize?: number; learningRate?: number; finalLearningRate?: number; onStep?: (r: HierarchicalStepRecord) => void }): HierarchicalStepRecord[] {
    const where = "HierarchicalSparseCoder.fit";
    assertKnownOptions(options, where, ["steps", "batchSize", "learningRate", "finalLearningRate", "onStep"]);
    assertNumberOption(options.steps, where, "steps", { min: 1, integer: true });
    const batchSize = Math.min(options.batchSize ?? 256, m.shape[0]);
    assertNumberOption(batchSize, where, "batchSize", { min: 1, integer: true });
    const start = options.learningRate ?? this.config.learningRate;
    const end = options.finalLearningRate ?? start;
    const rng = createRng(deriveSeed(this.config.seed, "hsc-batches", this.steps));
    const n = m.shape[0];
    let order = rng.permutation(n);
    let pos = 0;
    const records: HierarchicalStepRecord[] = [];
    for (let s = 0; s < options.steps; s++) {
      if (pos + batchSize > n) {
        order = rng.permutation(n);
        pos = 0;
      }
      const idx = order.slice(pos, pos + batchSize);
      pos += batchSize;
      const batch = tf.tidy(() => tf.gather(m, tf.tensor1d(idx, "int32")) as tf.Tensor2D);
      const rate = options.steps > 1 ? start + ((end - start) * s) / (options.steps - 1) : start;
      const r = this.step(batch, rate);
      batch.dispose();
      records.push(r);
      options.onStep?.(r);
    }
    return records;
  }

  dispose(): void {
    this.basisTensor.dispose();
    this.biasTensor.dispose();
  }
}
