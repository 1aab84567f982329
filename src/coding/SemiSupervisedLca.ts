import * as tf from "@tensorflow/tfjs";
import { loadTensorMap, saveTensorMap } from "../io/tensorMap.js";
import { BATCH_TERMS, batchEntropy, type BatchTerm } from "../objectives/batchEntropy.js";
import { deriveSeed } from "../random/index.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBooleanOption, assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertFinite, assertTensor, shapeString } from "../validation/tensorChecks.js";
import { checkCodingInputs } from "./checkCodingInputs.js";
import { dictionaryUpdate, normalizeColumns } from "./dictionaryUpdate.js";
import { sparseCodingEnergy } from "./sparseCodingEnergy.js";
import { applyThreshold, THRESHOLDS, type Threshold } from "./threshold.js";

export interface SemiSupervisedLcaConfig {
  /** D: length of a flattened input sample. */
  inputSize: number;
  /** M: atoms (columns of Phi). */
  atoms: number;
  /** K: classes of the linear classifier on the normalised code, >= 2. */
  numClasses: number;
  /** lambda_s: LCA threshold / L1 weight, >= 0. */
  lambdaS: number;
  /** lambda_e: weight of the batch-entropy term C(A) on the codes, >= 0. Default 0. */
  lambdaE?: number;
  /** gamma: weight of the cross-entropy of labelled samples, >= 0. Default 0. */
  gamma?: number;
  /** batchEntropy inverse temperature (nonzero; -1 = ordinary softmax over atoms). Default -1. */
  entropyBeta?: number;
  /** batchEntropy weight of its batch term (its own `lambda`), >= 0. Default 1. */
  entropyLambda?: number;
  /** batchEntropy form: "perUnit" (seed 004, default) or "marginal" (SPEC §1.5). */
  batchTerm?: BatchTerm;
  /** LCA time constant (iterations), >= 1. Default 10. */
  tau?: number;
  /** LCA iterations per inference. Default 100. */
  inferenceIterations?: number;
  /** Soft (default) or hard threshold. */
  threshold?: Threshold;
  /** Hebbian rate eta of the dictionary update. Default 0.05. */
  dictionaryLearningRate?: number;
  /** Adam learning rate of W and bias. Default 1e-2. */
  classifierLearningRate?: number;
  /** L2 weight (l2/2 ||W||^2) of the classifier's training loss, >= 0. Default 0. */
  classifierL2?: number;
  /**
   * eps of the normalisation `a / sqrt(||a||^2 + eps^2)`: a smooth guard for ||a|| = 0 (a
   * silent code then has logits = bias and no classification gradient). Default 1e-2.
   */
  normEpsilon?: number;
  /** Seeds the initial dictionary and classifier. Default 0. */
  seed?: number;
}

export type ResolvedSemiSupervisedLcaConfig = Required<SemiSupervisedLcaConfig>;

/** Labels of a batch and which of them are known. */
export interface SupervisionInput {
  /** One integer per sample; only entries with mask true are read (use e.g. -1 elsewhere). */
  labels: ArrayLike<number>;
  /** true/1 = labelled. Default: every sample labelled. */
  mask?: ArrayLike<number | boolean>;
}

export interface SslcaEncodeOptions {
  /** Labels (with mask) of the batch; without them no classification term is used. */
  supervision?: SupervisionInput;
  /** Default: the config's inferenceIterations. */
  iterations?: number;
  /** Record the batch-mean total energy after every iteration. Default false. */
  recordEnergy?: boolean;
}

export interface SslcaEncodeResult {
  /** a = T(u), B x M (caller disposes). */
  codes: tf.Tensor2D;
  /** Membrane potentials, B x M (caller disposes). */
  u: tf.Tensor2D;
  /** With recordEnergy: batch-mean total energy per iteration (see energy()). */
  energy?: number[];
}

/** Numbers of one training step, on its batch (codes before the updates). */
export interface SslcaStepRecord {
  step: number;
  /** Mean ||x - Phi a||^2 / D. */
  reconstructionMse: number;
  /** Mean number of non-zero codes per sample. */
  l0: number;
  /** Mean cross-entropy of the labelled samples of the batch (NaN when none). */
  classificationLoss: number;
  /** C(A) of the batch (NaN when the batch has a single sample). */
  entropy: number;
  labelled: number;
}

const KNOWN = [
  "inputSize",
  "atoms",
  "numClasses",
  "lambdaS",
  "lambdaE",
  "gamma",
  "entropyBeta",
  "entropyLambda",
  "batchTerm",
  "tau",
  "inferenceIterations",
  "threshold",
  "dictionaryLearningRate",
  "classifierLearningRate",
  "classifierL2",
  "normEpsilon",
  "seed",
] as const;
const FILE = "semi-supervised-lca";

function resolve(config: SemiSupervisedLcaConfig, where: string): ResolvedSemiSupervisedLcaConfig {
  if (config === null || typeof config !== "object") throw new SparsekitError(`${where}: argument 'config' must be an object, got ${String(config)}.`);
  assertKnownOptions(config, where, KNOWN);
  const c: ResolvedSemiSupervisedLcaConfig = {
    inputSize: config.inputSize,
    atoms: config.atoms,
    numClasses: config.numClasses,
    lambdaS: config.lambdaS,
    lambdaE: config.lambdaE ?? 0,
    gamma: config.gamma ?? 0,
    entropyBeta: config.entropyBeta ?? -1,
    entropyLambda: config.entropyLambda ?? 1,
    batchTerm: config.batchTerm ?? "perUnit",
    tau: config.tau ?? 10,
    inferenceIterations: config.inferenceIterations ?? 100,
    threshold: config.threshold ?? "soft",
    dictionaryLearningRate: config.dictionaryLearningRate ?? 0.05,
    classifierLearningRate: config.classifierLearningRate ?? 1e-2,
    classifierL2: config.classifierL2 ?? 0,
    normEpsilon: config.normEpsilon ?? 1e-2,
    seed: config.seed ?? 0,
  };
  assertNumberOption(c.inputSize, where, "inputSize", { min: 1, integer: true });
  assertNumberOption(c.atoms, where, "atoms", { min: 1, integer: true });
  assertNumberOption(c.numClasses, where, "numClasses", { min: 2, integer: true });
  assertNumberOption(c.lambdaS, where, "lambdaS", { min: 0 });
  assertNumberOption(c.lambdaE, where, "lambdaE", { min: 0 });
  assertNumberOption(c.gamma, where, "gamma", { min: 0 });
  assertNumberOption(c.entropyBeta, where, "entropyBeta");
  if (c.entropyBeta === 0) throw new SparsekitError(`${where}: option 'entropyBeta' must be a nonzero finite number (-1 = ordinary softmax), got 0.`);
  assertNumberOption(c.entropyLambda, where, "entropyLambda", { min: 0 });
  assertEnumOption(c.batchTerm, where, "batchTerm", BATCH_TERMS);
  assertNumberOption(c.tau, where, "tau", { min: 1 });
  assertNumberOption(c.inferenceIterations, where, "inferenceIterations", { min: 1, integer: true });
  assertEnumOption(c.threshold, where, "threshold", THRESHOLDS);
  assertNumberOption(c.dictionaryLearningRate, where, "dictionaryLearningRate", { min: 0 });
  assertNumberOption(c.classifierLearningRate, where, "classifierLearningRate", { min: 0, exclusiveMin: true });
  assertNumberOption(c.classifierL2, where, "classifierL2", { min: 0 });
  assertNumberOption(c.normEpsilon, where, "normEpsilon", { min: 0, exclusiveMin: true });
  assertNumberOption(c.seed, where, "seed", { min: 0, integer: true });
  return c;
}

/** One-hot targets (B x K, zero rows for unlabelled samples) and the 0/1 mask (B). */
interface Targets {
  oneHot: tf.Tensor2D;
  mask: tf.Tensor1D;
  labelled: number;
}

/**
 * Semi-supervised LCA (seed 004 eq. 15–17, SPEC §3). For a batch of codes A (rows a_l) the energy
 * is the batch sum
 * `E = sum_l [1/2 ||x_l - Phi a_l||^2 + lambda_s |a_l|_1 + gamma m_l CE(softmax(W^T n_l + b), y_l)]
 *      + lambda_e C(A)`,
 * with `n_l = a_l / sqrt(||a_l||^2 + eps^2)` (a smooth guard at a = 0), m_l = 1 for labelled
 * samples only and C the batchEntropy of the codes (B x M, so B >= 2 when lambda_e > 0). LCA
 * inference runs `u += (1/tau)(b - u - G a - dE_extra/da)` where dE_extra/da is the tf.grad of the
 * entropy and classification terms w.r.t. the codes (for the CE through the normalisation). With
 * lambda_e = gamma = 0 it is plain LCA. Learning per batch: infer codes (labels of the labelled
 * samples included), Hebbian step on Phi (dictionaryUpdate), one Adam step on W, b for the mean CE
 * of the labelled samples (codes held fixed). Shapes: x B x D, Phi D x M, W M x K, b K.
 * The entropy term couples the samples of a batch: a code (and a prediction) depends on the batch
 * it was inferred with.
 */
export class SemiSupervisedLca {
  readonly config: ResolvedSemiSupervisedLcaConfig;
  readonly phi: tf.Variable<tf.Rank.R2>;
  readonly w: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  private optimizer: tf.Optimizer;
  private steps = 0;

  private constructor(config: ResolvedSemiSupervisedLcaConfig, phi: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D) {
    this.config = config;
    this.phi = tf.variable(phi, false, undefined, "float32") as tf.Variable<tf.Rank.R2>;
    this.w = tf.variable(w, true, undefined, "float32") as tf.Variable<tf.Rank.R2>;
    this.bias = tf.variable(bias, true, undefined, "float32") as tf.Variable<tf.Rank.R1>;
    tf.dispose([phi, w, bias]);
    this.optimizer = tf.train.adam(config.classifierLearningRate);
  }

  /**
   * New model: random unit-norm atoms (or `initialPhi`, D x M, copied and renormalised, e.g. a
   * dictionary learned without labels), small random W, zero bias.
   */
  static create(config: SemiSupervisedLcaConfig, initialPhi?: tf.Tensor2D): SemiSupervisedLca {
    const where = "SemiSupervisedLca.create";
    const c = resolve(config, where);
    if (initialPhi !== undefined) {
      assertTensor(initialPhi, where, "initialPhi");
      if (initialPhi.rank !== 2 || initialPhi.shape[0] !== c.inputSize || initialPhi.shape[1] !== c.atoms) {
        throw new SparsekitError(`${where}: argument 'initialPhi' must have shape [${c.inputSize}, ${c.atoms}] (D x M), got ${shapeString(initialPhi.shape)}.`);
      }
      assertFinite(initialPhi, where, "initialPhi");
    }
    const phi = tf.tidy(() =>
      normalizeColumns(initialPhi ? (tf.cast(initialPhi, "float32") as tf.Tensor2D) : tf.randomNormal([c.inputSize, c.atoms], 0, 1, "float32", deriveSeed(c.seed, "sslca-phi"))),
    );
    const w = tf.randomNormal([c.atoms, c.numClasses], 0, 0.01, "float32", deriveSeed(c.seed, "sslca-w")) as tf.Tensor2D;
    return new SemiSupervisedLca(c, phi, w, tf.zeros([c.numClasses]));
  }

  get stepCount(): number {
    return this.steps;
  }

  /** Classifier logits `W^T n + b` of codes (B x M) -> B x K. */
  logits(codes: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const sq = tf.sum(tf.square(codes), 1, true);
      const n = tf.div(codes, tf.sqrt(tf.add(sq, this.config.normEpsilon ** 2)));
      return tf.add(tf.matMul(n, this.w), this.bias) as tf.Tensor2D;
    });
  }

  /**
   * The extra energy terms of a batch of codes, `lambda_e C(A) + gamma sum_l m_l CE_l` (a batch
   * sum, on the scale of the per-sample LCA energy). Differentiable in codes; used by inference.
   */
  extraEnergy(codes: tf.Tensor2D, supervision?: SupervisionInput): tf.Scalar {
    const where = "SemiSupervisedLca.extraEnergy";
    this.checkCodes(codes, where);
    const targets = supervision ? this.targets(supervision, codes.shape[0], where) : undefined;
    try {
      return this.extraTerm(codes, targets);
    } finally {
      if (targets) tf.dispose([targets.oneHot, targets.mask]);
    }
  }

  /** dE_extra/da (B x M): the term LCA subtracts from its membrane update. Caller disposes. */
  extraGradient(codes: tf.Tensor2D, supervision?: SupervisionInput): tf.Tensor2D {
    const where = "SemiSupervisedLca.extraGradient";
    this.checkCodes(codes, where);
    const targets = supervision ? this.targets(supervision, codes.shape[0], where) : undefined;
    try {
      return this.extraGrad(codes, targets);
    } finally {
      if (targets) tf.dispose([targets.oneHot, targets.mask]);
    }
  }

  /**
   * Batch-mean total energy `E / B` of codes for x (sparse-coding part as sparseCodingEnergy, with
   * the L0 form for the hard threshold). Scalar, caller disposes.
   */
  energy(x: tf.Tensor2D, codes: tf.Tensor2D, supervision?: SupervisionInput): tf.Scalar {
    const where = "SemiSupervisedLca.energy";
    checkCodingInputs(x, this.phi, where);
    this.checkCodes(codes, where, x.shape[0]);
    const targets = supervision ? this.targets(supervision, x.shape[0], where) : undefined;
    try {
      return this.totalEnergy(x, codes, targets);
    } finally {
      if (targets) tf.dispose([targets.oneHot, targets.mask]);
    }
  }

  /** Semi-supervised LCA inference of the codes of x (B x D), cold start from u = 0. */
  encode(x: tf.Tensor2D, options: SslcaEncodeOptions = {}): SslcaEncodeResult {
    const where = "SemiSupervisedLca.encode";
    checkCodingInputs(x, this.phi, where);
    assertKnownOptions(options, where, ["supervision", "iterations", "recordEnergy"]);
    const iterations = options.iterations ?? this.config.inferenceIterations;
    assertNumberOption(iterations, where, "iterations", { min: 1, integer: true });
    const recordEnergy = options.recordEnergy ?? false;
    assertBooleanOption(recordEnergy, where, "recordEnergy");
    this.checkEntropyBatch(x.shape[0], where);
    const targets = options.supervision ? this.targets(options.supervision, x.shape[0], where) : undefined;
    try {
      return this.infer(x, targets, iterations, recordEnergy);
    } finally {
      if (targets) tf.dispose([targets.oneHot, targets.mask]);
    }
  }

  /** Class probabilities softmax(W^T n + b) (B x K) of codes inferred without labels. */
  predictProba(x: tf.Tensor2D, options: { iterations?: number } = {}): tf.Tensor2D {
    assertKnownOptions(options, "SemiSupervisedLca.predictProba", ["iterations"]);
    const { codes, u } = this.encode(x, { iterations: options.iterations });
    u.dispose();
    const p = tf.tidy(() => tf.softmax(this.logits(codes)) as tf.Tensor2D);
    codes.dispose();
    return p;
  }

  /** Predicted classes (argmax of predictProba) of the rows of x. */
  predict(x: tf.Tensor2D, options: { iterations?: number } = {}): Int32Array {
    const p = this.predictProba(x, options);
    const out = tf.tidy(() => tf.argMax(p, 1).dataSync() as Int32Array);
    p.dispose();
    return Int32Array.from(out);
  }

  /** Mean cross-entropy of the labelled samples given their codes (NaN if none is labelled). */
  classificationLoss(codes: tf.Tensor2D, supervision: SupervisionInput): number {
    const where = "SemiSupervisedLca.classificationLoss";
    this.checkCodes(codes, where);
    const t = this.targets(supervision, codes.shape[0], where);
    try {
      if (t.labelled === 0) return NaN;
      return tf.tidy(() => tf.div(tf.sum(tf.mul(this.perSampleCe(codes, t.oneHot), t.mask)), t.labelled).dataSync()[0]!);
    } finally {
      tf.dispose([t.oneHot, t.mask]);
    }
  }

  /**
   * One learning step on a batch: inference with the batch's labels, Hebbian dictionary step
   * (rate `dictionaryLearningRate`, default the config's; 0 keeps Phi), one Adam step of W, b on the
   * mean CE of the labelled samples (skipped when none is labelled).
   */
  step(x: tf.Tensor2D, supervision: SupervisionInput, options: { dictionaryLearningRate?: number } = {}): SslcaStepRecord {
    const where = "SemiSupervisedLca.step";
    checkCodingInputs(x, this.phi, where);
    assertKnownOptions(options, where, ["dictionaryLearningRate"]);
    const eta = options.dictionaryLearningRate ?? this.config.dictionaryLearningRate;
    assertNumberOption(eta, where, "dictionaryLearningRate", { min: 0 });
    this.checkEntropyBatch(x.shape[0], where);
    const t = this.targets(supervision, x.shape[0], where);
    try {
      const { codes, u } = this.infer(x, t, this.config.inferenceIterations, false);
      u.dispose();
      const [mse, l0, entropy, ce] = tf.tidy(() => {
        const residual = tf.sub(x, tf.matMul(codes, this.phi, false, true));
        const ent =
          x.shape[0] >= 2
            ? batchEntropy(codes, { beta: this.config.entropyBeta, lambda: this.config.entropyLambda, batchTerm: this.config.batchTerm }).dataSync()[0]!
            : NaN;
        const ceValue = t.labelled > 0 ? tf.div(tf.sum(tf.mul(this.perSampleCe(codes, t.oneHot), t.mask)), t.labelled).dataSync()[0]! : NaN;
        return [
          tf.mean(tf.square(residual)).dataSync()[0]!,
          tf.sum(tf.cast(tf.notEqual(codes, 0), "float32")).dataSync()[0]! / x.shape[0],
          ent,
          ceValue,
        ];
      });
      if (eta > 0) {
        const next = dictionaryUpdate(this.phi, x, codes, eta);
        this.phi.assign(next);
        next.dispose();
      }
      if (t.labelled > 0) {
        const l2 = this.config.classifierL2;
        const cost = this.optimizer.minimize(
          () => {
            const mean = tf.div(tf.sum(tf.mul(this.perSampleCe(codes, t.oneHot), t.mask)), t.labelled);
            return (l2 > 0 ? tf.add(mean, tf.mul(l2 / 2, tf.sum(tf.square(this.w)))) : mean) as tf.Scalar;
          },
          false,
          [this.w, this.bias],
        );
        cost?.dispose();
      }
      codes.dispose();
      this.steps++;
      return { step: this.steps, reconstructionMse: mse, l0, classificationLoss: ce, entropy, labelled: t.labelled };
    } finally {
      tf.dispose([t.oneHot, t.mask]);
    }
  }

  /** Writes Phi, W, bias and the config to dir/semi-supervised-lca.{json,bin} (Adam state is not saved). */
  async save(dir: string): Promise<void> {
    await saveTensorMap(dir, FILE, { phi: this.phi, w: this.w, bias: this.bias }, { kind: "SemiSupervisedLca", config: { ...this.config }, steps: this.steps });
  }

  /** Reads a model written by save(dir); the classifier's Adam state starts fresh. */
  static async load(dir: string): Promise<SemiSupervisedLca> {
    const where = "SemiSupervisedLca.load";
    const loaded = await loadTensorMap(dir, FILE);
    const { phi, w, bias } = loaded.tensors;
    const all = Object.values(loaded.tensors);
    if (loaded.metadata.kind !== "SemiSupervisedLca" || !phi || !w || !bias) {
      tf.dispose(all);
      throw new SparsekitError(`${where}: ${dir} does not hold a saved SemiSupervisedLca.`);
    }
    try {
      const c = resolve(loaded.metadata.config as SemiSupervisedLcaConfig, where);
      const expect = (t: tf.Tensor, shape: number[], name: string) => {
        if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
          throw new SparsekitError(`${where}: saved '${name}' has shape ${shapeString(t.shape)}, config says ${shapeString(shape)}.`);
        }
      };
      expect(phi, [c.inputSize, c.atoms], "phi");
      expect(w, [c.atoms, c.numClasses], "w");
      expect(bias, [c.numClasses], "bias");
      const model = new SemiSupervisedLca(c, phi as tf.Tensor2D, w as tf.Tensor2D, bias as tf.Tensor1D);
      model.steps = Number(loaded.metadata.steps ?? 0);
      return model;
    } catch (e) {
      tf.dispose(all);
      throw e;
    }
  }

  dispose(): void {
    tf.dispose([this.phi, this.w, this.bias]);
    this.optimizer.dispose();
  }

  // ---- internals -------------------------------------------------------------------------

  private get hasExtra(): boolean {
    return this.config.lambdaE > 0 || this.config.gamma > 0;
  }

  private checkEntropyBatch(batch: number, where: string): void {
    if (this.config.lambdaE > 0 && batch < 2) {
      throw new SparsekitError(
        `${where}: argument 'x' must hold at least 2 samples when lambdaE > 0 (the entropy term measures how each atom is used across the batch), got batch size ${batch}.`,
      );
    }
  }

  private checkCodes(codes: unknown, where: string, batch?: number): asserts codes is tf.Tensor2D {
    assertTensor(codes, where, "codes");
    if (codes.rank !== 2 || codes.shape[1] !== this.config.atoms || (batch !== undefined && codes.shape[0] !== batch) || codes.shape[0] === 0) {
      throw new SparsekitError(`${where}: argument 'codes' must have shape [${batch ?? "B"}, ${this.config.atoms}] (B x M), got ${shapeString(codes.shape)}.`);
    }
    assertFinite(codes, where, "codes");
    this.checkEntropyBatch(codes.shape[0], where);
  }

  private targets(supervision: SupervisionInput, batch: number, where: string): Targets {
    if (supervision === null || typeof supervision !== "object") {
      throw new SparsekitError(`${where}: argument 'supervision' must be { labels, mask? }, got ${String(supervision)}.`);
    }
    assertKnownOptions(supervision, where, ["labels", "mask"]);
    const { labels, mask } = supervision;
    const isArrayLike = (v: unknown): v is ArrayLike<unknown> => v !== null && typeof v === "object" && typeof (v as ArrayLike<unknown>).length === "number";
    if (!isArrayLike(labels) || labels instanceof tf.Tensor) {
      throw new SparsekitError(`${where}: 'supervision.labels' must be an array of ${batch} integers, got ${labels instanceof tf.Tensor ? "a tf.Tensor" : typeof labels}.`);
    }
    if (labels.length !== batch) throw new SparsekitError(`${where}: 'supervision.labels' must have one entry per sample (${batch}), got ${labels.length}.`);
    if (mask !== undefined && (!isArrayLike(mask) || mask instanceof tf.Tensor || mask.length !== batch)) {
      throw new SparsekitError(`${where}: 'supervision.mask' must be an array of ${batch} booleans or 0/1 values, got ${isArrayLike(mask) ? `length ${mask.length}` : typeof mask}.`);
    }
    const k = this.config.numClasses;
    const hot = new Float32Array(batch * k);
    const m = new Float32Array(batch);
    let labelled = 0;
    for (let i = 0; i < batch; i++) {
      const mi = mask === undefined ? true : mask[i];
      if (mi !== true && mi !== false && mi !== 0 && mi !== 1) {
        throw new SparsekitError(`${where}: 'supervision.mask' must hold booleans or 0/1, got ${String(mi)} at index ${i}.`);
      }
      if (!mi) continue;
      const y = labels[i];
      if (typeof y !== "number" || !Number.isInteger(y) || y < 0 || y >= k) {
        throw new SparsekitError(`${where}: 'supervision.labels' must be integers in [0, ${k - 1}] for labelled samples, got ${String(y)} at index ${i}.`);
      }
      hot[i * k + y] = 1;
      m[i] = 1;
      labelled++;
    }
    return { oneHot: tf.tensor2d(hot, [batch, k]), mask: tf.tensor1d(m), labelled };
  }

  /** Per-sample CE of codes (B), no masking. */
  private perSampleCe(codes: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const z = this.logits(codes);
      return tf.sub(tf.logSumExp(z, 1), tf.sum(tf.mul(oneHot, z), 1)) as tf.Tensor1D;
    });
  }

  private extraTerm(codes: tf.Tensor2D, t: Targets | undefined): tf.Scalar {
    return tf.tidy(() => {
      let total: tf.Tensor = tf.scalar(0);
      const c = this.config;
      if (c.lambdaE > 0) {
        total = tf.add(total, tf.mul(c.lambdaE, batchEntropy(codes, { beta: c.entropyBeta, lambda: c.entropyLambda, batchTerm: c.batchTerm })));
      }
      if (c.gamma > 0 && t && t.labelled > 0) {
        total = tf.add(total, tf.mul(c.gamma, tf.sum(tf.mul(this.perSampleCe(codes, t.oneHot), t.mask))));
      }
      return total as tf.Scalar;
    });
  }

  private extraGrad(codes: tf.Tensor2D, t: Targets | undefined): tf.Tensor2D {
    return tf.tidy(() => {
      if (!this.hasExtra || (this.config.lambdaE === 0 && (!t || t.labelled === 0))) return tf.zerosLike(codes);
      return tf.grad((a: tf.Tensor) => this.extraTerm(a as tf.Tensor2D, t))(codes) as tf.Tensor2D;
    });
  }

  private totalEnergy(x: tf.Tensor2D, codes: tf.Tensor2D, t: Targets | undefined): tf.Scalar {
    return tf.tidy(() => {
      const base = sparseCodingEnergy(x, this.phi, codes, this.config.lambdaS, this.config.threshold === "soft" ? "l1" : "l0");
      return tf.add(base, tf.div(this.extraTerm(codes, t), x.shape[0])) as tf.Scalar;
    });
  }

  private infer(x: tf.Tensor2D, t: Targets | undefined, iterations: number, recordEnergy: boolean): SslcaEncodeResult {
    const { lambdaS, threshold, atoms } = { ...this.config };
    const rate = 1 / this.config.tau;
    const useExtra = this.config.lambdaE > 0 || (this.config.gamma > 0 && t !== undefined && t.labelled > 0);
    const [b, g] = tf.tidy(() => {
      const xf = tf.cast(x, "float32") as tf.Tensor2D;
      return [tf.matMul(xf, this.phi), tf.sub(tf.matMul(this.phi, this.phi, true, false), tf.eye(atoms))] as [tf.Tensor2D, tf.Tensor2D];
    });
    let u: tf.Tensor2D = tf.zeros([x.shape[0], atoms]);
    const energy: number[] = [];
    try {
      for (let i = 0; i < iterations; i++) {
        const next = tf.tidy(() => {
          const a = applyThreshold(u, lambdaS, threshold) as tf.Tensor2D;
          let drive = tf.sub(tf.sub(b, u), tf.matMul(a, g));
          if (useExtra) drive = tf.sub(drive, this.extraGrad(a, t));
          return tf.add(u, tf.mul(rate, drive)) as tf.Tensor2D;
        });
        u.dispose();
        u = next;
        if (recordEnergy) {
          const e = tf.tidy(() => this.totalEnergy(x, applyThreshold(u, lambdaS, threshold) as tf.Tensor2D, t));
          energy.push(e.dataSync()[0]!);
          e.dispose();
        }
      }
    } finally {
      tf.dispose([b, g]);
    }
    const codes = applyThreshold(u, lambdaS, threshold) as tf.Tensor2D;
    return recordEnergy ? { codes, u, energy } : { codes, u };
  }
}
