import * as tf from "@tensorflow/tfjs";
import { affineWarp, sampleAffineParams } from "../data/randomAffine.js";
import { BATCH_TERMS, batchEntropy, type BatchTerm } from "../objectives/batchEntropy.js";
import { neighbourConsistency } from "../objectives/neighbourConsistency.js";
import { createRng, deriveSeed } from "../random/index.js";
import type { TrainHistory } from "../train/history.js";
import { glorotUniform, heNormal } from "../train/initializers.js";
import { PROGRESS_MODES } from "../train/progress.js";
import { train, trainRunOptions, type TrainRunOptions } from "../train/train.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertBatchSize, assertFinite, assertRank, assertTensor, shapeString } from "../validation/tensorChecks.js";
import { VariableModel } from "./VariableModel.js";

export const CLUSTERER_ARCHITECTURES = ["mlp", "conv"] as const;
export type ClustererArchitecture = (typeof CLUSTERER_ARCHITECTURES)[number];

/** Ranges of the random affine augmentation of the consistency term (see randomAffine). */
export interface ClustererAugmentation {
  /** Pixels, per axis (default 2). */
  maxShift: number;
  /** Degrees (default 12). */
  maxRotation: number;
  /** Relative scale change (default 0.1). */
  maxScale: number;
}

/** Network and objective of an {@link EntropyClusterer}: plain JSON, saved with the weights. */
export interface EntropyClustererConfig {
  /** Input features D per sample (flat rows; 784 for MNIST). */
  inputSize: number;
  /** [height, width, channels] of each input image (needed by "conv" and by the augmentation); D = h w c. */
  imageShape: [number, number, number] | null;
  /** "mlp" (default): dense ReLU layers; "conv": 3x3 conv + ReLU + 2x2 max-pool per convFilters entry, then dense. */
  architecture: ClustererArchitecture;
  /** Widths of the dense ReLU hidden layers (after the conv stack for "conv"); may be empty. */
  hiddenSizes: number[];
  /** Output channels of each conv block ("conv" only), e.g. [16, 32]. */
  convFilters: number[];
  /** N: output units = clusters (>= 2). */
  numClusters: number;
  /** Inverse temperature of batchEntropy: Q = softmax(-beta X); beta = -1 is the ordinary softmax. */
  beta: number;
  /** Weight of the batch (diversity) term of batchEntropy, >= 0. */
  lambda: number;
  /** "perUnit" (seed 004, collapses) or "marginal" (RIM / IMSAT), SPEC §1.5. */
  batchTerm: BatchTerm;
  /** Weight of `KL(Q(x) || Q(augment(x)))`, >= 0 (0 = no consistency term). */
  consistencyWeight: number;
  /** Augmented copies of each sample per step in the consistency term (default 1); their KLs are averaged. */
  augmentedViews: number;
  augmentation: ClustererAugmentation;
  /**
   * Weight of neighbourConsistency between each sample and one of its nearest neighbours, >= 0
   * (0 = none). The neighbours are given to `fit` (e.g. a knnGraph of the training pixels).
   */
  neighbourWeight: number;
  /**
   * Output units of an auxiliary over-clustering head on the same encoder (IIC's over-clustering,
   * Ji et al. 2019), trained with the same entropy and consistency terms; 0 (default) = none. It
   * shapes the shared features only: clusters, Q and predictions come from the main head.
   */
  overclusterCount: number;
  /** Seed of the initial weights. */
  seed: number;
}

/** Everything but the input size has a default. */
export type EntropyClustererInit = Partial<EntropyClustererConfig> & Pick<EntropyClustererConfig, "inputSize">;

/** Run control (checkpoint, resume, progress, callbacks, evaluate, stopAfterSteps) as train() takes it. */
export interface EntropyClustererFitOptions extends TrainRunOptions {
  epochs: number;
  /** Default 256 (the batch terms estimate cluster usage from the batch: keep it >> N). */
  batchSize?: number;
  /** Adam learning rate, default 1e-3. */
  learningRate?: number;
  /** Seeds shuffling and the augmentation of each step. Default: the model's seed. */
  seed?: number;
  /**
   * Required when neighbourWeight > 0: k nearest neighbours of every row of x (row-major n x k
   * indices into x, self excluded, as knnGraph returns). Each step pairs every sample with one
   * of its k neighbours drawn at random (seeded).
   */
  neighbours?: { n: number; k: number; neighbours: Int32Array };
}

const KIND = "EntropyClusterer";
const CONFIG_KEYS = [
  "inputSize", "imageShape", "architecture", "hiddenSizes", "convFilters", "numClusters", "beta", "lambda", "batchTerm",
  "consistencyWeight", "augmentedViews", "augmentation", "neighbourWeight", "overclusterCount", "seed",
] as const;
const FIT_KNOWN = [
  "epochs", "batchSize", "learningRate", "seed", "checkpoint", "resume", "progress", "progressStream", "callbacks", "evaluate",
  "stopAfterSteps", "neighbours",
] as const;
const PREDICT_BLOCK = 1000;

function checkIntList(v: unknown, where: string, name: string, allowEmpty: boolean): number[] {
  if (!Array.isArray(v) || (!allowEmpty && v.length === 0)) {
    throw new SparsekitError(`${where}: option '${name}' must be ${allowEmpty ? "an" : "a non-empty"} array of positive integers, got ${JSON.stringify(v)}.`);
  }
  v.forEach((k, i) => assertNumberOption(k, where, `${name}[${i}]`, { integer: true, min: 1 }));
  return [...v];
}

function resolveConfig(c: unknown, where: string): EntropyClustererConfig {
  if (c === null || typeof c !== "object") throw new SparsekitError(`${where}: argument 'config' must be an object, got ${String(c)}.`);
  assertKnownOptions(c, where, CONFIG_KEYS);
  const o = c as Partial<EntropyClustererConfig>;
  assertNumberOption(o.inputSize, where, "inputSize", { integer: true, min: 1 });
  const architecture = o.architecture ?? "mlp";
  assertEnumOption(architecture, where, "architecture", CLUSTERER_ARCHITECTURES);
  let imageShape = o.imageShape ?? null;
  if (imageShape === null) {
    const side = Math.round(Math.sqrt(o.inputSize));
    if (side * side === o.inputSize) imageShape = [side, side, 1];
  } else {
    const s = checkIntList(imageShape, where, "imageShape", false);
    if (s.length !== 3 || s[0] * s[1] * s[2] !== o.inputSize) {
      throw new SparsekitError(`${where}: option 'imageShape' must be [height, width, channels] with product inputSize = ${o.inputSize}, got ${JSON.stringify(imageShape)}.`);
    }
    imageShape = [s[0], s[1], s[2]];
  }
  const hiddenSizes = checkIntList(o.hiddenSizes ?? (architecture === "mlp" ? [500, 500] : [128]), where, "hiddenSizes", true);
  const convFilters = checkIntList(o.convFilters ?? (architecture === "conv" ? [16, 32] : []), where, "convFilters", true);
  if (architecture === "conv") {
    if (imageShape === null) throw new SparsekitError(`${where}: architecture "conv" needs option 'imageShape' (inputSize ${o.inputSize} is not a square image).`);
    if (convFilters.length === 0) throw new SparsekitError(`${where}: architecture "conv" needs a non-empty 'convFilters'.`);
  } else if (convFilters.length > 0) {
    throw new SparsekitError(`${where}: option 'convFilters' is only for architecture "conv", got ${JSON.stringify(convFilters)} with "mlp".`);
  }
  const numClusters = o.numClusters ?? 10;
  assertNumberOption(numClusters, where, "numClusters", { integer: true, min: 2 });
  const beta = o.beta ?? -1;
  assertNumberOption(beta, where, "beta");
  if (beta === 0) throw new SparsekitError(`${where}: option 'beta' must be nonzero (inverse temperature; -1 is the ordinary softmax), got 0.`);
  const lambda = o.lambda ?? 1;
  assertNumberOption(lambda, where, "lambda", { min: 0 });
  const batchTerm = o.batchTerm ?? "marginal";
  assertEnumOption(batchTerm, where, "batchTerm", BATCH_TERMS);
  const consistencyWeight = o.consistencyWeight ?? 0;
  assertNumberOption(consistencyWeight, where, "consistencyWeight", { min: 0 });
  const augmentedViews = o.augmentedViews ?? 1;
  assertNumberOption(augmentedViews, where, "augmentedViews", { integer: true, min: 1 });
  const a = o.augmentation ?? { maxShift: 2, maxRotation: 12, maxScale: 0.1 };
  if (a === null || typeof a !== "object") throw new SparsekitError(`${where}: option 'augmentation' must be { maxShift, maxRotation, maxScale }.`);
  assertKnownOptions(a, `${where} augmentation`, ["maxShift", "maxRotation", "maxScale"]);
  const augmentation = { maxShift: a.maxShift ?? 2, maxRotation: a.maxRotation ?? 12, maxScale: a.maxScale ?? 0.1 };
  assertNumberOption(augmentation.maxShift, where, "augmentation.maxShift", { min: 0 });
  assertNumberOption(augmentation.maxRotation, where, "augmentation.maxRotation", { min: 0, max: 180 });
  assertNumberOption(augmentation.maxScale, where, "augmentation.maxScale", { min: 0, max: 1, exclusiveMax: true });
  if (consistencyWeight > 0 && imageShape === null) {
    throw new SparsekitError(`${where}: the consistency term augments images; pass option 'imageShape' (inputSize ${o.inputSize} is not a square image).`);
  }
  const neighbourWeight = o.neighbourWeight ?? 0;
  assertNumberOption(neighbourWeight, where, "neighbourWeight", { min: 0 });
  const overclusterCount = o.overclusterCount ?? 0;
  assertNumberOption(overclusterCount, where, "overclusterCount", { integer: true, min: 0 });
  if (overclusterCount === 1) throw new SparsekitError(`${where}: option 'overclusterCount' must be 0 (no head) or >= 2, got 1.`);
  const seed = o.seed ?? 0;
  assertNumberOption(seed, where, "seed", { integer: true, min: 0 });
  return {
    inputSize: o.inputSize, imageShape, architecture, hiddenSizes, convFilters, numClusters, beta, lambda, batchTerm,
    consistencyWeight, augmentedViews, augmentation, neighbourWeight, overclusterCount, seed,
  };
}

/** Names and shapes of every variable, in creation order. */
function variableShapes(c: EntropyClustererConfig): { name: string; shape: number[]; kind: "he" | "glorot" | "zero" }[] {
  const out: { name: string; shape: number[]; kind: "he" | "glorot" | "zero" }[] = [];
  let features = c.inputSize;
  if (c.architecture === "conv") {
    let [h, w, ch] = c.imageShape!;
    c.convFilters.forEach((f, i) => {
      out.push({ name: `conv${i + 1}.kernel`, shape: [3, 3, ch, f], kind: "he" });
      out.push({ name: `conv${i + 1}.bias`, shape: [f], kind: "zero" });
      ch = f;
      h = Math.ceil(h / 2);
      w = Math.ceil(w / 2);
    });
    features = h * w * ch;
  }
  c.hiddenSizes.forEach((k, i) => {
    out.push({ name: `hidden${i + 1}.kernel`, shape: [features, k], kind: "he" });
    out.push({ name: `hidden${i + 1}.bias`, shape: [k], kind: "zero" });
    features = k;
  });
  out.push({ name: "output.kernel", shape: [features, c.numClusters], kind: "glorot" });
  out.push({ name: "output.bias", shape: [c.numClusters], kind: "zero" });
  // Created last so that a model without the head draws the same initial weights as before.
  if (c.overclusterCount > 0) {
    out.push({ name: "overcluster.kernel", shape: [features, c.overclusterCount], kind: "glorot" });
    out.push({ name: "overcluster.bias", shape: [c.overclusterCount], kind: "zero" });
  }
  return out;
}

/** Identity in the forward pass, zero gradient: the clean prediction is a fixed target (as in VAT / IMSAT). */
function stopGradient(x: tf.Tensor): tf.Tensor {
  return tf.customGrad((input) => ({ value: tf.clone(input as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) }))(x);
}

/**
 * Unsupervised clustering network trained with the batch entropy loss (SPEC §1.5, seed 004;
 * issue 6). An encoder (dense ReLU MLP, or a small conv net) maps each sample to N outputs X;
 * `Q = softmax(-beta X)` is its cluster distribution and the cluster is argmax Q. Loss per batch:
 * - `entropy` = batchEntropy(X, { beta, lambda, batchTerm }) — perUnit (the seed's; collapse is a
 *   global optimum) or marginal (`mean_l H(Q_l) - lambda H(mean_l Q_l)`, RIM / IMSAT);
 * - `consistency` = consistencyWeight * mean_l KL(Q(x_l) || Q(augment(x_l))) when the weight is
 *   > 0, averaged over `augmentedViews` copies: each copy of each sample gets its own random
 *   affine transform (randomAffine, seeded from the step seed so resumed runs draw the same ones); Q(x_l) is held fixed (zero gradient), as in VAT/IMSAT, so
 *   the term pulls the augmented copy toward the clean prediction rather than both toward each other;
 * - `neighbour` = neighbourWeight * neighbourConsistency(X, X') when the weight is > 0: X' are the
 *   outputs of one nearest neighbour of each sample (SCAN's term; the neighbours come from `fit`).
 * - `overcluster` when overclusterCount > 0: the entropy and consistency terms of an auxiliary
 *   head with overclusterCount outputs on the same features (IIC's over-clustering); the main head
 *   alone gives the clusters.
 * No labels are used. Trained with Adam via {@link train} (seeded, checkpoints, resume).
 * Weights: He-normal ReLU kernels, Glorot-uniform output kernel, zero biases, from `seed`.
 */
export class EntropyClusterer extends VariableModel<EntropyClustererConfig> {
  readonly kind = KIND;

  private constructor(config: EntropyClustererConfig, variables: Record<string, tf.Variable>) {
    super(config, variables);
  }

  /** New model with seeded initial weights; every config field but inputSize has a default. */
  static create(config: EntropyClustererInit): EntropyClusterer {
    const c = resolveConfig(config, "EntropyClusterer.create");
    const rng = createRng(c.seed, "EntropyClusterer.create");
    const vars: Record<string, tf.Variable> = {};
    for (const { name, shape, kind } of variableShapes(c)) {
      const t = kind === "he" ? heNormal(shape, rng) : kind === "glorot" ? glorotUniform(shape, rng) : tf.zeros(shape);
      vars[name] = tf.variable(t, true);
      t.dispose();
    }
    return new EntropyClusterer(c, vars);
  }

  /** Reads a model written by `save(dir)`. */
  static async load(target: string | tf.io.IOHandler): Promise<EntropyClusterer> {
    const { config, values, initial } = await VariableModel.readSaved(target, KIND);
    const vars: Record<string, tf.Variable> = {};
    try {
      const c = resolveConfig(config, "EntropyClusterer.load");
      for (const { name, shape } of variableShapes(c)) {
        const t = values[name];
        if (!t || t.shape.join(",") !== shape.join(",")) {
          throw new SparsekitError(`EntropyClusterer.load: '${String(target)}' must hold variable '${name}' of shape ${shapeString(shape)}, got ${t ? shapeString(t.shape) : "none"}.`);
        }
        vars[name] = tf.variable(t, true);
      }
      const model = new EntropyClusterer(c, vars);
      model.restoreInitial(initial);
      return model;
    } catch (e) {
      for (const v of Object.values(vars)) v.dispose();
      for (const t of Object.values(initial)) t.dispose();
      throw e;
    } finally {
      for (const t of Object.values(values)) t.dispose();
    }
  }

  private checkInput(x: unknown, where: string): asserts x is tf.Tensor2D {
    assertTensor(x, where, "x");
    assertRank(x, where, "x", 2, "B x D: one row per sample");
    assertBatchSize(x, where, "x");
    if (x.shape[1] !== this.config.inputSize) {
      throw new SparsekitError(`${where}: argument 'x' must have ${this.config.inputSize} features per row, got shape ${shapeString(x.shape)}.`);
    }
  }

  private forward(x: tf.Tensor2D): tf.Tensor2D {
    return this.head(this.features(x), "output");
  }

  /** The encoder's last hidden layer (the input of both heads). */
  private features(x: tf.Tensor2D): tf.Tensor2D {
    const v = this.variables;
    const c = this.config;
    let a: tf.Tensor = x;
    if (c.architecture === "conv") {
      const [h, w, ch] = c.imageShape!;
      a = tf.reshape(x, [x.shape[0], h, w, ch]);
      c.convFilters.forEach((_, i) => {
        const z = tf.add(tf.conv2d(a as tf.Tensor4D, v[`conv${i + 1}.kernel`] as tf.Tensor4D, 1, "same"), v[`conv${i + 1}.bias`]);
        a = tf.maxPool(tf.relu(z) as tf.Tensor4D, 2, 2, "same");
      });
      a = tf.reshape(a, [x.shape[0], -1]);
    }
    c.hiddenSizes.forEach((_, i) => {
      a = tf.relu(tf.add(tf.matMul(a as tf.Tensor2D, v[`hidden${i + 1}.kernel`] as tf.Tensor2D), v[`hidden${i + 1}.bias`]));
    });
    return a as tf.Tensor2D;
  }

  private head(features: tf.Tensor2D, name: "output" | "overcluster"): tf.Tensor2D {
    return tf.add(tf.matMul(features, this.variables[`${name}.kernel`] as tf.Tensor2D), this.variables[`${name}.bias`]) as tf.Tensor2D;
  }

  /** The N network outputs X of each row of x [B, D] -> [B, N] (the seed's X transposed). Caller disposes. */
  outputs(x: tf.Tensor2D): tf.Tensor2D {
    this.checkInput(x, "EntropyClusterer.outputs");
    return tf.tidy(() => this.forward(x));
  }

  /** Cluster distribution Q = softmax(-beta X) of each row, [B, N] (rows sum to 1). Computed in blocks. */
  probabilities(x: tf.Tensor2D): tf.Tensor2D {
    this.checkInput(x, "EntropyClusterer.probabilities");
    const parts: tf.Tensor2D[] = [];
    for (let s = 0; s < x.shape[0]; s += PREDICT_BLOCK) {
      const rows = Math.min(PREDICT_BLOCK, x.shape[0] - s);
      parts.push(tf.tidy(() => tf.softmax(tf.mul(this.forward(tf.slice(x, [s, 0], [rows, -1])), -this.config.beta)) as tf.Tensor2D));
    }
    if (parts.length === 1) return parts[0];
    const all = tf.concat(parts, 0);
    tf.dispose(parts);
    return all;
  }

  /** Cluster of each row: argmax_i Q_i (= argmax of -beta X), as an Int32Array of ids in [0, N). */
  predict(x: tf.Tensor2D): Int32Array {
    this.checkInput(x, "EntropyClusterer.predict");
    const out = new Int32Array(x.shape[0]);
    for (let s = 0; s < x.shape[0]; s += PREDICT_BLOCK) {
      const rows = Math.min(PREDICT_BLOCK, x.shape[0] - s);
      const ids = tf.tidy(() => tf.argMax(tf.mul(this.forward(tf.slice(x, [s, 0], [rows, -1])), -this.config.beta), 1));
      out.set(ids.dataSync() as Int32Array, s);
      ids.dispose();
    }
    return out;
  }

  /**
   * Weighted loss terms of one batch x [B, D] (B >= 2): `entropy`; with consistencyWeight > 0,
   * `consistency`; with neighbourWeight > 0, `neighbour`; with overclusterCount > 0, `overcluster`
   * (the auxiliary head's entropy and consistency terms, summed; see the class comment). `seed` draws the
   * augmentation (required with consistency); `neighbourRows` [B, D] holds one neighbour of each
   * row of x (required with neighbourWeight > 0).
   */
  lossTerms(x: tf.Tensor2D, opts: { seed?: number; neighbourRows?: tf.Tensor2D } = {}): Record<string, tf.Scalar> {
    const c = this.config;
    const heads = c.overclusterCount > 0 ? (["output", "overcluster"] as const) : (["output"] as const);
    const features = this.features(x);
    const outs = heads.map((h) => this.head(features, h));
    const terms: Record<string, tf.Scalar> = {
      entropy: batchEntropy(outs[0], { beta: c.beta, lambda: c.lambda, batchTerm: c.batchTerm }),
    };
    // The over-clustering head's own terms (entropy, and consistency below), summed into one term.
    const overcluster: tf.Scalar[] = heads.length > 1 ? [batchEntropy(outs[1], { beta: c.beta, lambda: c.lambda, batchTerm: c.batchTerm })] : [];
    if (c.neighbourWeight > 0) {
      const rows = opts.neighbourRows;
      if (rows === undefined || rows.shape.join(",") !== x.shape.join(",")) {
        throw new SparsekitError(`EntropyClusterer.lossTerms: option 'neighbourRows' (one neighbour per row, shape ${shapeString(x.shape)}) is required with neighbourWeight > 0, got ${rows === undefined ? "none" : shapeString(rows.shape)}.`);
      }
      terms.neighbour = tf.mul(c.neighbourWeight, neighbourConsistency(outs[0], this.forward(rows), { beta: c.beta })) as tf.Scalar;
    }
    if (c.consistencyWeight > 0) {
      if (opts.seed === undefined) throw new SparsekitError("EntropyClusterer.lossTerms: option 'seed' is required with the consistency term (augmentation must be reproducible).");
      const [h, w] = c.imageShape!;
      const logQ = outs.map((o) => stopGradient(tf.logSoftmax(tf.mul(o, -c.beta))));
      const kls: tf.Tensor[][] = heads.map(() => []);
      for (let k = 0; k < c.augmentedViews; k++) {
        const params = sampleAffineParams(x.shape[0], { seed: deriveSeed(opts.seed, "view", k), ...c.augmentation });
        const featuresA = this.features(affineWarp(x, params, { height: h, width: w }) as tf.Tensor2D);
        heads.forEach((name, i) => {
          const logQa = tf.logSoftmax(tf.mul(this.head(featuresA, name), -c.beta));
          kls[i].push(tf.mean(tf.sum(tf.mul(tf.exp(logQ[i]), tf.sub(logQ[i], logQa)), 1)));
        });
      }
      const weighted = kls.map((list) => tf.mul(c.consistencyWeight, list.length === 1 ? list[0] : tf.div(tf.addN(list), list.length)) as tf.Scalar);
      terms.consistency = weighted[0];
      overcluster.push(...weighted.slice(1));
    }
    if (overcluster.length > 0) terms.overcluster = tf.addN(overcluster) as tf.Scalar;
    return terms;
  }

  /**
   * Trains on the rows of x [n, D] (no labels) with Adam via {@link train}: seeded shuffling and
   * augmentation, checkpoints and resume. Returns the history (per-epoch loss and terms; metrics
   * from `evaluate`, e.g. cluster usage per epoch).
   */
  async fit(x: tf.Tensor2D, options: EntropyClustererFitOptions): Promise<TrainHistory> {
    const where = "EntropyClusterer.fit";
    if (options === null || typeof options !== "object") throw new SparsekitError(`${where}: argument 'options' must be an object with at least { epochs }.`);
    assertKnownOptions(options, where, FIT_KNOWN);
    this.checkInput(x, where);
    assertFinite(x, where, "x");
    const lr = options.learningRate ?? 1e-3;
    assertNumberOption(lr, where, "learningRate", { min: 0, exclusiveMin: true });
    const batchSize = options.batchSize ?? 256;
    assertNumberOption(batchSize, where, "batchSize", { integer: true, min: 2 });
    if (x.shape[0] % batchSize === 1) {
      throw new SparsekitError(`${where}: ${x.shape[0]} samples with batchSize ${batchSize} leave a last batch of 1 sample; the batch entropy needs >= 2 (change batchSize).`);
    }
    if (options.progress !== undefined) assertEnumOption(options.progress, where, "progress", PROGRESS_MODES);
    const seed = options.seed ?? this.config.seed;
    const table = this.neighbourTable(x, options.neighbours, where);
    // With neighbours, data.y carries each row's index (exact in float32 below 2^24) so a step can look its neighbours up.
    const rowIndex = table ? tf.tidy(() => tf.reshape(tf.range(0, x.shape[0], 1, "float32"), [x.shape[0], 1])) : undefined;
    const lossTerms = (batch: { x: tf.Tensor; y?: tf.Tensor }, ctx: { seed: number }): Record<string, tf.Scalar> => {
      if (!table) return this.lossTerms(batch.x as tf.Tensor2D, { seed: ctx.seed });
      const rows = tf.cast(tf.reshape(batch.y!, [-1]), "int32");
      const pick = tf.randomUniform([rows.shape[0]], 0, table.shape[1], "int32", deriveSeed(ctx.seed, "neighbour"));
      const neighbourRows = tf.gather(x, tf.gatherND(table, tf.stack([rows, pick], 1))) as tf.Tensor2D;
      return this.lossTerms(batch.x as tf.Tensor2D, { seed: ctx.seed, neighbourRows });
    };
    try {
      return await train({
        variables: this.variables,
        data: rowIndex ? { x, y: rowIndex } : { x },
        epochs: options.epochs,
        batchSize,
        optimizer: { name: "adam", learningRate: lr },
        seed,
        lossTerms,
        ...trainRunOptions(options),
        checkFinite: "terms",
        config: { model: this.config, learningRate: lr } as unknown as Record<string, unknown>,
      });
    } finally {
      tf.dispose([table, rowIndex].filter((t) => t !== undefined));
    }
  }

  /** The neighbour table of fit as an int32 [n, k] tensor, checked against x; undefined without the neighbour term. */
  private neighbourTable(x: tf.Tensor2D, graph: EntropyClustererFitOptions["neighbours"], where: string): tf.Tensor2D | undefined {
    if (this.config.neighbourWeight === 0) {
      if (graph !== undefined) throw new SparsekitError(`${where}: option 'neighbours' is given but the model's neighbourWeight is 0 (set neighbourWeight > 0 to use it).`);
      return undefined;
    }
    const n = x.shape[0];
    if (graph === undefined || graph === null || typeof graph !== "object") {
      throw new SparsekitError(`${where}: option 'neighbours' ({ n, k, neighbours }, e.g. knnGraph(x, 5)) is required with neighbourWeight ${this.config.neighbourWeight}.`);
    }
    assertNumberOption(graph.k, where, "neighbours.k", { integer: true, min: 1 });
    if (graph.n !== n || !(graph.neighbours instanceof Int32Array) || graph.neighbours.length !== n * graph.k) {
      throw new SparsekitError(`${where}: option 'neighbours' must list ${graph.k} neighbours for each of the ${n} rows of x (an Int32Array of ${n * graph.k}), got n ${graph.n} and ${graph.neighbours?.length ?? "no"} indices.`);
    }
    const bad = graph.neighbours.findIndex((j) => j < 0 || j >= n);
    if (bad >= 0) throw new SparsekitError(`${where}: option 'neighbours' holds index ${graph.neighbours[bad]} (row ${Math.floor(bad / graph.k)}), outside the ${n} rows of x.`);
    return tf.tensor2d(graph.neighbours, [n, graph.k], "int32");
  }
}
