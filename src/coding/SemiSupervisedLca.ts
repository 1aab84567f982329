import * as tf from "@tensorflow/tfjs";
import { FusedAdamOptimizer } from "../train/FusedAdamOptimizer.js";
import { loadTensors, saveTensors } from "../io/savedTensors.js";
import { meanActiveUnits } from "../metrics/meanActiveUnits.js";
import { BATCH_TERMS, type BatchTerm } from "../objectives/batchEntropy.js";
import { createRng, deriveSeed } from "../random/index.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBooleanOption, assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertBatchSize, assertFinite, assertTensor, shapeString } from "../validation/tensorChecks.js";
import { checkCodingInputs, checkInitialU } from "./checkCodingInputs.js";
import { dictionaryUpdate, normalizeColumns } from "./dictionaryUpdate.js";
import {
  codeLogits,
  maskedCrossEntropy,
  normalizeCodes,
  semiSupervisedExtraEnergy,
  semiSupervisedExtraGradient,
  type SemiSupervisedTerms,
} from "./semiSupervisedTerms.js";
import { sparseCodingEnergy } from "./sparseCodingEnergy.js";
import { applyThreshold, thresholdPenalty, THRESHOLDS, type Threshold } from "./threshold.js";

export interface SemiSupervisedLcaConfig {
  /** D: length of a (flattened) input sample. */
  inputSize: number;
  /** M: number of atoms (columns of Phi). */
  atoms: number;
  /** C >= 2: number of classes of the linear classifier on the normalised code. */
  numClasses: number;
  /** lambda_s >= 0: LCA threshold (the L1 weight for "soft"). */
  lambda: number;
  /** lambda_e >= 0: weight of the batch entropy of the codes. Default 0 (off). */
  entropyWeight?: number;
  /** beta of batchEntropy, nonzero. Default -1 (Q = softmax of the codes over the atoms). */
  entropyBeta?: number;
  /** lambda of batchEntropy (its batch term), >= 0. Default 1. */
  entropyLambda?: number;
  /** batchTerm of batchEntropy. Default "perUnit" (seed 004). */
  batchTerm?: BatchTerm;
  /** gamma >= 0: weight of the classification cross-entropy (labelled samples only). Default 1. */
  gamma?: number;
  /** eps > 0 of the normalisation a / sqrt(||a||^2 + eps^2). Default 0.1. */
  normEpsilon?: number;
  /** LCA time constant, >= 1. Default 10. */
  tau?: number;
  /** LCA iterations per inference. Default 100. */
  iterations?: number;
  /** "soft" (default) or "hard". */
  threshold?: Threshold;
  /**
   * Recompute the entropy gradient every this many iterations and reuse it in between (it is
   * ~10x the cost of an LCA iteration on wasm). Default 1: exact dynamics.
   */
  entropyInterval?: number;
  /** Hebbian rate eta of `Phi += eta/B (X - A Phi^T)^T A`, > 0. Default 0.05. */
  dictionaryLearningRate?: number;
  /** Adam learning rate of the classifier (W, bias), > 0. Default 0.01. */
  classifierLearningRate?: number;
  /** L2 weight of (l2/2) ||W||^2 in the classifier's loss (bias not penalised), >= 0. Default 0. */
  classifierL2?: number;
  /**
   * Adam steps on (W, bias) per training batch, on that batch's codes (inference dominates the
   * cost, so extra classifier steps are nearly free). Default 1.
   */
  classifierSteps?: number;
  /** Seeds the random unit-norm initial dictionary and the batch order. Default 0. */
  seed?: number;
}

export type ResolvedSemiSupervisedLcaConfig = Required<SemiSupervisedLcaConfig>;

/**
 * Which samples of a batch carry a label: `labels[l]` is used where `mask[l]` is 1/true (and
 * ignored, e.g. -1, elsewhere). Labels alone mean every sample is labelled; neither means none is.
 */
export interface Supervision {
  labels?: ArrayLike<number>;
  mask?: ArrayLike<number | boolean>;
}

export interface SslcaInferOptions extends Supervision {
  /** Default: the config's iterations. */
  iterations?: number;
  /** Record the energy per sample (batch mean of E) after every iteration. Default false. */
  recordEnergy?: boolean;
  /** Starting potentials, B x M. Default zeros. */
  initialU?: tf.Tensor2D;
}

export interface SslcaInferResult {
  /** a = T_lambda(u), B x M (caller disposes). */
  codes: tf.Tensor2D;
  /** Potentials u, B x M (caller disposes). */
  u: tf.Tensor2D;
  /** With recordEnergy: E / B after every iteration. */
  energy?: number[];
}

/** Numbers of one training step, on its batch (codes before the updates). */
export interface SslcaStepRecord {
  step: number;
  /** Mean over the batch of ||x - Phi a||^2 / D. */
  reconstructionMse: number;
  /** Mean number of non-zero codes per sample. */
  l0: number;
  /** E / B of the inferred codes (all terms). */
  energy: number;
  /** Labelled samples in the batch. */
  labelled: number;
  /** Mean cross-entropy of the labelled samples on the codes used for the classifier step (NaN if none). */
  crossEntropy: number;
}

export interface SslcaFitOptions {
  /** Passes over the rows of x, integer >= 1. */
  epochs: number;
  /** Samples per batch drawn from all rows, integer >= 1 (>= 2 with the entropy term). Default 256. */
  batchSize?: number;
  /**
   * Labelled samples added to every batch (cycling through the labelled rows in a seeded order),
   * so that with 1% labels the classifier still sees labels at every step. Default 0.
   */
  labelledPerBatch?: number;
  /** Hebbian rate of the first step (default the config's); annealed linearly to finalDictionaryLearningRate. */
  dictionaryLearningRate?: number;
  finalDictionaryLearningRate?: number;
  onStep?: (record: SslcaStepRecord) => void;
}

export interface SslcaPredictOptions {
  /** Default: the config's iterations. */
  iterations?: number;
  /** Rows inferred together (the entropy term couples the samples of a batch). Default 256. */
  batchSize?: number;
}

const CONFIG_KEYS = [
  "inputSize", "atoms", "numClasses", "lambda", "entropyWeight", "entropyBeta", "entropyLambda", "batchTerm", "gamma",
  "normEpsilon", "tau", "iterations", "threshold", "entropyInterval", "dictionaryLearningRate", "classifierLearningRate",
  "classifierL2", "classifierSteps", "seed",
] as const;
const KIND = "SemiSupervisedLca";

function resolveConfig(config: SemiSupervisedLcaConfig, where: string): ResolvedSemiSupervisedLcaConfig {
  if (config === null || typeof config !== "object") throw new SparsekitError(`${where}: argument 'config' must be an object, got ${String(config)}.`);
  assertKnownOptions(config, where, CONFIG_KEYS);
  const c: ResolvedSemiSupervisedLcaConfig = {
    inputSize: config.inputSize,
    atoms: config.atoms,
    numClasses: config.numClasses,
    lambda: config.lambda,
    entropyWeight: config.entropyWeight ?? 0,
    entropyBeta: config.entropyBeta ?? -1,
    entropyLambda: config.entropyLambda ?? 1,
    batchTerm: config.batchTerm ?? "perUnit",
    gamma: config.gamma ?? 1,
    normEpsilon: config.normEpsilon ?? 0.1,
    tau: config.tau ?? 10,
    iterations: config.iterations ?? 100,
    threshold: config.threshold ?? "soft",
    entropyInterval: config.entropyInterval ?? 1,
    dictionaryLearningRate: config.dictionaryLearningRate ?? 0.05,
    classifierLearningRate: config.classifierLearningRate ?? 0.01,
    classifierL2: config.classifierL2 ?? 0,
    classifierSteps: config.classifierSteps ?? 1,
    seed: config.seed ?? 0,
  };
  assertNumberOption(c.inputSize, where, "inputSize", { min: 1, integer: true });
  assertNumberOption(c.atoms, where, "atoms", { min: 1, integer: true });
  assertNumberOption(c.numClasses, where, "numClasses", { min: 2, integer: true });
  assertNumberOption(c.lambda, where, "lambda", { min: 0 });
  assertNumberOption(c.entropyWeight, where, "entropyWeight", { min: 0 });
  assertNumberOption(c.entropyBeta, where, "entropyBeta");
  if (c.entropyBeta === 0) throw new SparsekitError(`${where}: option 'entropyBeta' must be a nonzero finite number (-1 = softmax), got 0.`);
  assertNumberOption(c.entropyLambda, where, "entropyLambda", { min: 0 });
  assertEnumOption(c.batchTerm, where, "batchTerm", BATCH_TERMS);
  assertNumberOption(c.gamma, where, "gamma", { min: 0 });
  assertNumberOption(c.normEpsilon, where, "normEpsilon", { min: 0, exclusiveMin: true });
  assertNumberOption(c.tau, where, "tau", { min: 1 });
  assertNumberOption(c.iterations, where, "iterations", { min: 1, integer: true });
  assertEnumOption(c.threshold, where, "threshold", THRESHOLDS);
  assertNumberOption(c.entropyInterval, where, "entropyInterval", { min: 1, integer: true });
  assertNumberOption(c.dictionaryLearningRate, where, "dictionaryLearningRate", { min: 0, exclusiveMin: true });
  assertNumberOption(c.classifierLearningRate, where, "classifierLearningRate", { min: 0, exclusiveMin: true });
  assertNumberOption(c.classifierL2, where, "classifierL2", { min: 0 });
  assertNumberOption(c.classifierSteps, where, "classifierSteps", { min: 1, integer: true });
  assertNumberOption(c.seed, where, "seed", { min: 0, integer: true });
  return c;
}

/** Splits n rows into ceil(n / maxSize) consecutive chunks whose sizes differ by at most 1 (no stray chunk of 1). */
function evenChunks(n: number, maxSize: number): [number, number][] {
  const count = Math.ceil(n / maxSize);
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const size = Math.floor(n / count) + (i < n % count ? 1 : 0);
    out.push([start, size]);
    start += size;
  }
  return out;
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return v !== null && typeof v === "object" && !(v instanceof tf.Tensor) && typeof (v as ArrayLike<unknown>).length === "number";
}

/**
 * Semi-supervised LCA (SPEC §3; seed 004 eq. 15–17). For a batch X (B x D) the codes A (B x M)
 * minimise
 * `E = sum_l [1/2 ||x_l - Phi a_l||^2 + lambda_s ||a_l||_1] + lambda_e C(A)
 *      + gamma sum_l m_l CE(softmax(W^T n(a_l) + bias), y_l)`,
 * with C the batch entropy of SPEC §1.5 (batchEntropy over atoms and samples), m_l = 1 only for
 * labelled samples and n(a) = a / sqrt(||a||^2 + eps^2) (see semiSupervisedTerms). Inference is
 * LCA with the extra gradients in the membrane update:
 * `u += (1/tau)(Phi^T x - u - G a - dE_extra/da)`, `a = T_lambda_s(u)`, `G = Phi^T Phi - I`;
 * with lambda_e = gamma = 0 (or no labels and lambda_e = 0) this is exactly lcaInference.
 * Learning alternates inference with the Hebbian dictionary step `Phi += eta/B (X - A Phi^T)^T A`
 * plus column renormalisation (dictionaryUpdate, on every sample) and one Adam step on W (M x C)
 * and bias for the mean cross-entropy of the labelled samples on their inferred codes.
 * Predictions infer codes without the label term (the label is unknown) and take argmax of the
 * classifier. Note the asymmetry this implies: with gamma > 0, W is fitted to label-driven codes
 * but applied to label-free ones (sslca-mnist measures what that costs). With lambda_e > 0 a
 * sample's code depends on the other samples of its batch.
 * Tensors are owned by the model (phi, weights, bias: do not dispose); call dispose() at the end.
 */
export class SemiSupervisedLca {
  readonly config: ResolvedSemiSupervisedLcaConfig;
  private readonly phiVar: tf.Variable<tf.Rank.R2>;
  private readonly wVar: tf.Variable<tf.Rank.R2>;
  private readonly biasVar: tf.Variable<tf.Rank.R1>;
  private readonly optimizer: tf.AdamOptimizer;
  private steps = 0;

  private constructor(config: ResolvedSemiSupervisedLcaConfig, phi: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D) {
    this.config = config;
    this.phiVar = tf.variable(phi, false, undefined, "float32");
    this.wVar = tf.variable(w, true, undefined, "float32");
    this.biasVar = tf.variable(bias, true, undefined, "float32");
    this.optimizer = new FusedAdamOptimizer(config.classifierLearningRate);
  }

  /** A model with a seeded random unit-norm dictionary and a zero classifier (so it starts as plain LCA). */
  static create(config: SemiSupervisedLcaConfig): SemiSupervisedLca {
    const c = resolveConfig(config, "SemiSupervisedLca.create");
    const [phi, w, bias] = tf.tidy(() => [
      normalizeColumns(tf.randomNormal([c.inputSize, c.atoms], 0, 1, "float32", deriveSeed(c.seed, "sslca-dictionary"))),
      tf.zeros([c.atoms, c.numClasses]) as tf.Tensor2D,
      tf.zeros([c.numClasses]) as tf.Tensor1D,
    ]);
    const model = new SemiSupervisedLca(c, phi as tf.Tensor2D, w as tf.Tensor2D, bias as tf.Tensor1D);
    tf.dispose([phi, w, bias]);
    return model;
  }

  /** Dictionary Phi, D x M with unit-norm columns (owned by the model). */
  get phi(): tf.Tensor2D {
    return this.phiVar;
  }

  /** Classifier weights W, M x C (owned by the model). */
  get weights(): tf.Tensor2D {
    return this.wVar;
  }

  /** Classifier bias, length C (owned by the model). */
  get bias(): tf.Tensor1D {
    return this.biasVar;
  }

  /** Training steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** Replaces the dictionary (e.g. one learned by DictionaryLearner); columns are renormalised. */
  setDictionary(phi: tf.Tensor2D): void {
    const where = "SemiSupervisedLca.setDictionary";
    assertTensor(phi, where, "phi");
    if (phi.rank !== 2 || phi.shape[0] !== this.config.inputSize || phi.shape[1] !== this.config.atoms) {
      throw new SparsekitError(`${where}: argument 'phi' must have shape [${this.config.inputSize}, ${this.config.atoms}] (D x M), got ${shapeString(phi.shape)}.`);
    }
    assertFinite(phi, where, "phi");
    tf.tidy(() => this.phiVar.assign(normalizeColumns(tf.cast(phi, "float32") as tf.Tensor2D)));
  }

  /** Replaces the classifier weights W (M x C) and, if given, the bias (C), e.g. with a warm start. */
  setClassifier(weights: tf.Tensor2D, bias?: tf.Tensor1D): void {
    const where = "SemiSupervisedLca.setClassifier";
    const { atoms, numClasses } = this.config;
    assertTensor(weights, where, "weights");
    if (weights.rank !== 2 || weights.shape[0] !== atoms || weights.shape[1] !== numClasses) {
      throw new SparsekitError(`${where}: argument 'weights' must have shape [${atoms}, ${numClasses}] (M x C), got ${shapeString(weights.shape)}.`);
    }
    assertFinite(weights, where, "weights");
    if (bias !== undefined) {
      assertTensor(bias, where, "bias");
      if (bias.rank !== 1 || bias.shape[0] !== numClasses) {
        throw new SparsekitError(`${where}: argument 'bias' must have shape [${numClasses}] (C), got ${shapeString(bias.shape)}.`);
      }
      assertFinite(bias, where, "bias");
    }
    tf.tidy(() => {
      this.wVar.assign(tf.cast(weights, "float32") as tf.Tensor2D);
      if (bias !== undefined) this.biasVar.assign(tf.cast(bias, "float32") as tf.Tensor1D);
    });
  }

  /**
   * LCA inference of one batch x (B x D) under the full energy E (the label term only where the
   * supervision marks a label). B >= 2 when entropyWeight > 0.
   */
  infer(x: tf.Tensor2D, options: SslcaInferOptions = {}): SslcaInferResult {
    const where = "SemiSupervisedLca.infer";
    this.checkBatch(x, where);
    assertKnownOptions(options, where, ["labels", "mask", "iterations", "recordEnergy", "initialU"]);
    const iterations = options.iterations ?? this.config.iterations;
    assertNumberOption(iterations, where, "iterations", { min: 1, integer: true });
    const recordEnergy = options.recordEnergy ?? false;
    assertBooleanOption(recordEnergy, where, "recordEnergy");
    const [batch, atoms] = [x.shape[0], this.config.atoms];
    if (options.initialU !== undefined) {
      checkInitialU(options.initialU, batch, atoms, where);
    }
    const terms = this.makeTerms(options, batch, where);
    try {
      return this.runInference(x, terms, iterations, recordEnergy, options.initialU);
    } finally {
      tf.dispose([terms.targets, terms.mask]);
    }
  }

  /**
   * Codes of any number of rows (N x D), inferred in consecutive batches of at most `batchSize`
   * rows (sizes balanced so no batch has a single row). Caller disposes.
   */
  encode(x: tf.Tensor2D, options: SslcaPredictOptions & Supervision = {}): tf.Tensor2D {
    const where = "SemiSupervisedLca.encode";
    checkCodingInputs(x, this.phiVar, where);
    assertKnownOptions(options, where, ["iterations", "batchSize", "labels", "mask"]);
    const iterations = options.iterations ?? this.config.iterations;
    assertNumberOption(iterations, where, "iterations", { min: 1, integer: true });
    const batchSize = options.batchSize ?? 256;
    assertNumberOption(batchSize, where, "batchSize", { min: this.config.entropyWeight > 0 ? 2 : 1, integer: true });
    const n = x.shape[0];
    if (this.config.entropyWeight > 0) assertBatchSize(x, where, "x", 2, "the entropy term (entropyWeight > 0) compares the samples of a batch");
    const { labels, mask } = this.readSupervision(options, n, where);
    const parts: tf.Tensor2D[] = [];
    try {
      for (const [start, size] of evenChunks(n, batchSize)) {
        const xb = tf.slice(x, [start, 0], [size, x.shape[1]]) as tf.Tensor2D;
        const terms = this.termsFrom(labels.subarray(start, start + size), mask.subarray(start, start + size));
        const r = this.runInference(xb, terms, iterations, false, undefined);
        tf.dispose([xb, terms.targets, terms.mask, r.u]);
        parts.push(r.codes);
      }
      return parts.length === 1 ? parts[0]! : (tf.concat(parts, 0) as tf.Tensor2D);
    } finally {
      if (parts.length > 1) tf.dispose(parts);
    }
  }

  /** `dE_extra/dA` (B x M) of codes A under this model's terms and the given supervision. Caller disposes. */
  extraGradient(codes: tf.Tensor2D, supervision: Supervision = {}): tf.Tensor2D {
    const terms = this.checkCodesAndTerms(codes, supervision, "SemiSupervisedLca.extraGradient");
    try {
      return semiSupervisedExtraGradient(codes, terms);
    } finally {
      tf.dispose([terms.targets, terms.mask]);
    }
  }

  /** `E_extra(A)` (scalar) of codes A: lambda_e C(A) + gamma (labelled cross-entropies, summed). Caller disposes. */
  extraEnergy(codes: tf.Tensor2D, supervision: Supervision = {}): tf.Scalar {
    const terms = this.checkCodesAndTerms(codes, supervision, "SemiSupervisedLca.extraEnergy");
    try {
      return semiSupervisedExtraEnergy(codes, terms);
    } finally {
      tf.dispose([terms.targets, terms.mask]);
    }
  }

  /** One training step on a batch: inference, Hebbian dictionary step, one classifier step (if any label). */
  step(x: tf.Tensor2D, supervision: Supervision = {}, dictionaryLearningRate = this.config.dictionaryLearningRate): SslcaStepRecord {
    const where = "SemiSupervisedLca.step";
    this.checkBatch(x, where);
    assertKnownOptions(supervision, where, ["labels", "mask"]);
    assertNumberOption(dictionaryLearningRate, where, "dictionaryLearningRate", { min: 0, exclusiveMin: true });
    const terms = this.makeTerms(supervision, x.shape[0], where);
    try {
      return this.trainStep(x, terms, dictionaryLearningRate);
    } finally {
      tf.dispose([terms.targets, terms.mask]);
    }
  }

  /**
   * Trains on x (N x D): `epochs` passes in seeded random batches, plus `labelledPerBatch`
   * labelled rows per batch. `labels[i]` counts only where `mask[i]` is 1/true. Returns one record per step.
   */
  fit(x: tf.Tensor2D, supervision: Supervision, options: SslcaFitOptions): SslcaStepRecord[] {
    const where = "SemiSupervisedLca.fit";
    checkCodingInputs(x, this.phiVar, where);
    assertKnownOptions(supervision, where, ["labels", "mask"]);
    assertKnownOptions(options, where, ["epochs", "batchSize", "labelledPerBatch", "dictionaryLearningRate", "finalDictionaryLearningRate", "onStep"]);
    assertNumberOption(options.epochs, where, "epochs", { min: 1, integer: true });
    const entropy = this.config.entropyWeight > 0;
    const batchSize = options.batchSize ?? 256;
    assertNumberOption(batchSize, where, "batchSize", { min: 1, integer: true });
    const labelledPerBatch = options.labelledPerBatch ?? 0;
    assertNumberOption(labelledPerBatch, where, "labelledPerBatch", { min: 0, integer: true });
    const start = options.dictionaryLearningRate ?? this.config.dictionaryLearningRate;
    assertNumberOption(start, where, "dictionaryLearningRate", { min: 0, exclusiveMin: true });
    const end = options.finalDictionaryLearningRate ?? start;
    assertNumberOption(end, where, "finalDictionaryLearningRate", { min: 0, exclusiveMin: true });
    if (options.onStep !== undefined && typeof options.onStep !== "function") {
      throw new SparsekitError(`${where}: option 'onStep' must be a function, got ${typeof options.onStep}.`);
    }
    const n = x.shape[0];
    const { labels, mask } = this.readSupervision(supervision, n, where);
    const labelledRows: number[] = [];
    mask.forEach((m, i) => m && labelledRows.push(i));
    if (labelledPerBatch > 0 && labelledRows.length === 0) {
      throw new SparsekitError(`${where}: option 'labelledPerBatch' is ${labelledPerBatch} but no row is labelled (mask is all 0).`);
    }
    const chunks = evenChunks(n, batchSize);
    if (entropy && Math.min(...chunks.map((c) => c[1])) + labelledPerBatch < 2) {
      throw new SparsekitError(
        `${where}: batches must hold at least 2 samples with the entropy term (entropyWeight > 0), got batchSize ${batchSize} and ${n} row(s).`,
      );
    }
    const rng = createRng(deriveSeed(this.config.seed, "sslca-batches", this.steps));
    let labelledOrder = rng.permutation(labelledRows.length);
    let labelledPos = 0;
    const totalSteps = options.epochs * chunks.length;
    const records: SslcaStepRecord[] = [];
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = rng.permutation(n);
      for (const [offset, size] of chunks) {
        const rows = Array.from(order.subarray(offset, offset + size));
        for (let k = 0; k < labelledPerBatch; k++) {
          if (labelledPos === labelledOrder.length) {
            labelledOrder = rng.permutation(labelledRows.length);
            labelledPos = 0;
          }
          rows.push(labelledRows[labelledOrder[labelledPos++]!]!);
        }
        const idx = Int32Array.from(rows);
        const xb = tf.tidy(() => tf.gather(x, tf.tensor1d(idx, "int32")) as tf.Tensor2D);
        const terms = this.termsFrom(Int32Array.from(idx, (i) => labels[i]!), Uint8Array.from(idx, (i) => mask[i]!));
        const s = records.length;
        const rate = totalSteps > 1 ? start + ((end - start) * s) / (totalSteps - 1) : start;
        try {
          const record = this.trainStep(xb, terms, rate);
          records.push(record);
          options.onStep?.(record);
        } finally {
          tf.dispose([xb, terms.targets, terms.mask]);
        }
      }
    }
    return records;
  }

  /** Classifier logits `n(a) W + bias` (N x C) of given codes (N x M), e.g. from encode(). Caller disposes. */
  logits(codes: tf.Tensor2D): tf.Tensor2D {
    const where = "SemiSupervisedLca.logits";
    assertTensor(codes, where, "codes");
    if (codes.rank !== 2 || codes.shape[1] !== this.config.atoms) {
      throw new SparsekitError(`${where}: argument 'codes' must have shape [N, ${this.config.atoms}] (N x M), got ${shapeString(codes.shape)}.`);
    }
    return codeLogits(codes, this.wVar, this.biasVar, this.config.normEpsilon);
  }

  /** Class probabilities (N x C) from codes inferred without labels. Caller disposes. */
  predictProba(x: tf.Tensor2D, options: SslcaPredictOptions = {}): tf.Tensor2D {
    const codes = this.encode(x, { ...checkPredictOptions(options, "SemiSupervisedLca.predictProba") });
    try {
      return tf.tidy(() => tf.softmax(codeLogits(codes, this.wVar, this.biasVar, this.config.normEpsilon)) as tf.Tensor2D);
    } finally {
      codes.dispose();
    }
  }

  /** Predicted class of every row of x (N x D). */
  predict(x: tf.Tensor2D, options: SslcaPredictOptions = {}): Int32Array {
    const p = this.predictProba(x, options);
    const idx = tf.argMax(p, 1);
    const out = Int32Array.from(idx.dataSync() as Int32Array);
    tf.dispose([p, idx]);
    return out;
  }

  /** Fraction of rows whose prediction equals the label, and the mean cross-entropy of the labels. */
  evaluate(x: tf.Tensor2D, labels: ArrayLike<number>, options: SslcaPredictOptions = {}): { accuracy: number; crossEntropy: number } {
    const where = "SemiSupervisedLca.evaluate";
    checkCodingInputs(x, this.phiVar, where);
    const { labels: lab } = this.readSupervision({ labels }, x.shape[0], where);
    const p = this.predictProba(x, options);
    const [pred, ce] = tf.tidy(() => {
      const y = tf.oneHot(tf.tensor1d(lab, "int32"), this.config.numClasses);
      const logP = tf.log(tf.maximum(p, 1e-30));
      return [tf.argMax(p, 1).dataSync() as Int32Array, tf.neg(tf.mean(tf.sum(tf.mul(y, logP), 1))).dataSync()[0]!];
    });
    p.dispose();
    let hits = 0;
    for (let i = 0; i < lab.length; i++) if (pred[i] === lab[i]) hits++;
    return { accuracy: hits / lab.length, crossEntropy: ce };
  }

  /** Writes dir/sslca.{json,bin}: Phi, W, bias, config and step count (Adam's moments are not saved). */
  async save(target: string | tf.io.IOHandler): Promise<tf.io.SaveResult> {
    return saveTensors(target, KIND, { phi: this.phiVar, weights: this.wVar, bias: this.biasVar }, { config: { ...this.config }, steps: this.steps }, `${KIND}.save`);
  }

  /** Reads a model written by save(dir). */
  static async load(target: string | tf.io.IOHandler): Promise<SemiSupervisedLca> {
    const where = "SemiSupervisedLca.load";
    const loaded = await loadTensors(target, KIND, where);
    const { phi, weights, bias } = loaded.tensors;
    try {
      if (!phi || !weights || !bias) {
        throw new SparsekitError(`${where}: ${String(target)} does not hold a saved ${KIND}.`);
      }
      const c = resolveConfig(loaded.metadata.config as SemiSupervisedLcaConfig, where);
      const want: [string, tf.Tensor, number[]][] = [["phi", phi, [c.inputSize, c.atoms]], ["weights", weights, [c.atoms, c.numClasses]], ["bias", bias, [c.numClasses]]];
      for (const [name, t, shape] of want) {
        if (shapeString(t.shape) !== shapeString(shape)) {
          throw new SparsekitError(`${where}: saved '${name}' has shape ${shapeString(t.shape)}, the config says ${shapeString(shape)}.`);
        }
      }
      const model = new SemiSupervisedLca(c, phi as tf.Tensor2D, weights as tf.Tensor2D, bias as tf.Tensor1D);
      model.steps = Number(loaded.metadata.steps ?? 0);
      return model;
    } finally {
      tf.dispose(Object.values(loaded.tensors));
    }
  }

  dispose(): void {
    tf.dispose([this.phiVar, this.wVar, this.biasVar]);
    this.optimizer.dispose();
  }

  // ---- internals ------------------------------------------------------------------------------

  private checkBatch(x: tf.Tensor2D, where: string): void {
    checkCodingInputs(x, this.phiVar, where);
    if (this.config.entropyWeight > 0) {
      assertBatchSize(x, where, "x", 2, "the entropy term (entropyWeight > 0) compares the samples of a batch");
    }
  }

  private checkCodesAndTerms(codes: tf.Tensor2D, supervision: Supervision, where: string): SemiSupervisedTerms {
    assertTensor(codes, where, "codes");
    if (codes.rank !== 2 || codes.shape[1] !== this.config.atoms) {
      throw new SparsekitError(`${where}: argument 'codes' must have shape [B, ${this.config.atoms}] (B x M), got ${shapeString(codes.shape)}.`);
    }
    assertBatchSize(codes, where, "codes", this.config.entropyWeight > 0 ? 2 : 1, this.config.entropyWeight > 0 ? "the entropy term compares the samples of a batch" : undefined);
    assertFinite(codes, where, "codes");
    assertKnownOptions(supervision, where, ["labels", "mask"]);
    return this.makeTerms(supervision, codes.shape[0], where);
  }

  /** Labels (Int32Array, 0 where unlabelled) and mask (Uint8Array) of n rows, validated. */
  private readSupervision(s: Supervision, n: number, where: string): { labels: Int32Array; mask: Uint8Array } {
    const labels = new Int32Array(n);
    const mask = new Uint8Array(n);
    if (s.mask !== undefined) {
      if (!isArrayLike(s.mask)) throw new SparsekitError(`${where}: option 'mask' must be an array of 0/1 or booleans (one per sample), got ${(s.mask as unknown) instanceof tf.Tensor ? "a tf.Tensor (pass its dataSync())" : typeof s.mask}.`);
      if (s.mask.length !== n) throw new SparsekitError(`${where}: option 'mask' must have one entry per sample (${n}), got length ${s.mask.length}.`);
      if (s.labels === undefined) throw new SparsekitError(`${where}: option 'mask' was given without 'labels'.`);
      for (let i = 0; i < n; i++) {
        const m = s.mask[i];
        if (m !== 0 && m !== 1 && m !== true && m !== false) {
          throw new SparsekitError(`${where}: option 'mask' must hold 0/1 or true/false, got ${String(m)} at index ${i}.`);
        }
        mask[i] = m === 1 || m === true ? 1 : 0;
      }
    } else if (s.labels !== undefined) {
      mask.fill(1);
    }
    if (s.labels !== undefined) {
      if (!isArrayLike(s.labels)) throw new SparsekitError(`${where}: option 'labels' must be an array of class indices (e.g. Int32Array), got ${(s.labels as unknown) instanceof tf.Tensor ? "a tf.Tensor (pass its dataSync())" : typeof s.labels}.`);
      if (s.labels.length !== n) throw new SparsekitError(`${where}: option 'labels' must have one entry per sample (${n}), got length ${s.labels.length}.`);
      const c = this.config.numClasses;
      for (let i = 0; i < n; i++) {
        if (!mask[i]) continue;
        const y = s.labels[i];
        if (typeof y !== "number" || !Number.isInteger(y) || y < 0 || y >= c) {
          throw new SparsekitError(`${where}: option 'labels' must hold integers in [0, ${c - 1}] (numClasses = ${c}) where the sample is labelled, got ${String(y)} at index ${i}.`);
        }
        labels[i] = y;
      }
    }
    return { labels, mask };
  }

  private makeTerms(s: Supervision, n: number, where: string): SemiSupervisedTerms {
    const { labels, mask } = this.readSupervision(s, n, where);
    return this.termsFrom(labels, mask);
  }

  /** The extra terms for validated labels/mask; the caller disposes targets and mask. */
  private termsFrom(labels: Int32Array, mask: Uint8Array): SemiSupervisedTerms {
    const c = this.config;
    const m = tf.tensor2d(Float32Array.from(mask), [mask.length, 1]);
    const targets = tf.tidy(() => tf.mul(tf.oneHot(tf.tensor1d(labels, "int32"), c.numClasses).toFloat(), m) as tf.Tensor2D);
    return {
      entropyWeight: c.entropyWeight,
      entropyBeta: c.entropyBeta,
      entropyLambda: c.entropyLambda,
      batchTerm: c.batchTerm,
      gamma: mask.some((v) => v === 1) ? c.gamma : 0,
      weights: this.wVar,
      bias: this.biasVar,
      targets,
      mask: m,
      normEpsilon: c.normEpsilon,
    };
  }

  private runInference(x: tf.Tensor2D, terms: SemiSupervisedTerms, iterations: number, recordEnergy: boolean, initialU: tf.Tensor2D | undefined): SslcaInferResult {
    const { lambda, threshold, tau, entropyInterval } = this.config;
    const where = "SemiSupervisedLca.infer";
    const [batch, atoms] = [x.shape[0], this.config.atoms];
    const rate = 1 / tau;
    const classify = terms.gamma > 0;
    const entropy = terms.entropyWeight > 0;
    const classTerms: SemiSupervisedTerms = { ...terms, entropyWeight: 0 };
    const entropyTerms: SemiSupervisedTerms = { ...terms, gamma: 0 };
    const [b, g] = tf.tidy(() => {
      const xf = tf.cast(x, "float32") as tf.Tensor2D;
      return [tf.matMul(xf, this.phiVar), tf.sub(tf.matMul(this.phiVar, this.phiVar, true, false), tf.eye(atoms))] as [tf.Tensor2D, tf.Tensor2D];
    });
    let u: tf.Tensor2D = initialU ? (tf.clone(initialU) as tf.Tensor2D) : tf.zeros([batch, atoms]);
    let entropyGrad: tf.Tensor2D | undefined;
    const energy: number[] = [];
    try {
      for (let t = 0; t < iterations; t++) {
        if (entropy && t % entropyInterval === 0) {
          entropyGrad?.dispose();
          entropyGrad = tf.tidy(() => semiSupervisedExtraGradient(applyThreshold(u, lambda, threshold, where) as tf.Tensor2D, entropyTerms));
        }
        const next = tf.tidy(() => {
          const a = applyThreshold(u, lambda, threshold, where) as tf.Tensor2D;
          // Same arithmetic as lcaInference when there is no extra term (G is symmetric: rows of a G).
          let drive = tf.sub(tf.sub(b, u), tf.matMul(a, g));
          if (classify) drive = tf.sub(drive, semiSupervisedExtraGradient(a, classTerms));
          if (entropyGrad) drive = tf.sub(drive, entropyGrad);
          return tf.add(u, tf.mul(rate, drive)) as tf.Tensor2D;
        });
        u.dispose();
        u = next;
        if (recordEnergy) {
          const e = tf.tidy(() => this.totalEnergy(x, applyThreshold(u, lambda, threshold, where) as tf.Tensor2D, terms));
          energy.push(e.dataSync()[0]!);
          e.dispose();
        }
      }
    } finally {
      tf.dispose([b, g]);
      entropyGrad?.dispose();
    }
    const finite = tf.tidy(() => tf.all(tf.isFinite(u)).dataSync()[0]);
    if (!finite) {
      u.dispose();
      throw new SparsekitError(
        `${where}: LCA diverged (non-finite potentials). The step (1/tau) lambda_max(Phi^T Phi) must stay below 2: ` +
          `increase tau (now ${tau}), centre the data (correlated atoms raise lambda_max) or lower the entropy/label weights.`,
      );
    }
    const codes = applyThreshold(u, lambda, threshold, where) as tf.Tensor2D;
    return recordEnergy ? { codes, u, energy } : { codes, u };
  }

  /** E / B: the sparse-coding energy (batch mean) plus the extra terms divided by B. */
  private totalEnergy(x: tf.Tensor2D, codes: tf.Tensor2D, terms: SemiSupervisedTerms): tf.Scalar {
    return tf.tidy(() => {
      const penalty = thresholdPenalty(this.config.threshold);
      const base = sparseCodingEnergy(tf.cast(x, "float32") as tf.Tensor2D, this.phiVar, codes, this.config.lambda, penalty);
      return tf.add(base, tf.div(semiSupervisedExtraEnergy(codes, terms), x.shape[0])) as tf.Scalar;
    });
  }

  private trainStep(x: tf.Tensor2D, terms: SemiSupervisedTerms, dictionaryLearningRate: number): SslcaStepRecord {
    const { codes, u } = this.runInference(x, terms, this.config.iterations, false, undefined);
    u.dispose();
    try {
      const labelled = tf.tidy(() => tf.sum(terms.mask).dataSync()[0]!);
      const [mse, l0, energy] = tf.tidy(() => {
        const xf = tf.cast(x, "float32") as tf.Tensor2D;
        const residual = tf.sub(xf, tf.matMul(codes, this.phiVar, false, true));
        return [
          tf.mean(tf.square(residual)).dataSync()[0]!,
          meanActiveUnits(codes, { tol: 0 }),
          this.totalEnergy(x, codes, terms).dataSync()[0]!,
        ];
      });
      let crossEntropy = NaN;
      if (labelled > 0) {
        const l2 = this.config.classifierL2;
        const eps = this.config.normEpsilon;
        const normalized = normalizeCodes(codes, eps);
        try {
          for (let k = 0; k < this.config.classifierSteps; k++) {
            const cost = this.optimizer.minimize(
              () =>
                tf.tidy(() => {
                  const logits = tf.add(tf.matMul(normalized, this.wVar), this.biasVar) as tf.Tensor2D;
                  const ce = tf.div(maskedCrossEntropy(logits, terms.targets, terms.mask), labelled);
                  return (l2 > 0 ? tf.add(ce, tf.mul(l2 / 2, tf.sum(tf.square(this.wVar)))) : ce) as tf.Scalar;
                }),
              k === 0,
              [this.wVar, this.biasVar],
            );
            // The loss before the first step: the cross-entropy of the codes this step trained on.
            if (cost) {
              crossEntropy = cost.dataSync()[0]!;
              cost.dispose();
            }
          }
        } finally {
          normalized.dispose();
        }
      }
      tf.tidy(() => this.phiVar.assign(dictionaryUpdate(this.phiVar, tf.cast(x, "float32") as tf.Tensor2D, codes, dictionaryLearningRate)));
      this.steps++;
      return { step: this.steps, reconstructionMse: mse, l0, energy, labelled, crossEntropy };
    } finally {
      codes.dispose();
    }
  }
}

function checkPredictOptions(options: SslcaPredictOptions, where: string): SslcaPredictOptions {
  assertKnownOptions(options, where, ["iterations", "batchSize"]);
  return options;
}
