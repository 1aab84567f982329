import * as tf from "@tensorflow/tfjs";
import { klSparsityPenalty, l1Penalty, OVR_REDUCTIONS, ovrOverlap, topK, type OvrReduction } from "../objectives/index.js";
import { createRng, deriveSeed } from "../random/index.js";
import type { EpochRecord } from "../train/history.js";
import type { LbfgsOptions } from "../train/lbfgs.js";
import { randomUniform } from "../train/initializers.js";
import { PROGRESS_MODES, type ProgressMode, type ProgressSink } from "../train/progress.js";
import { train } from "../train/train.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBooleanOption, assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertFinite, assertRank, assertTensor, shapeString } from "../validation/tensorChecks.js";
import { corruptInput } from "./corruptInput.js";
import { checkDenoising, type DenoisingSpec } from "./denoising.js";
import { minimizeLbfgsInBlocks } from "./lbfgsInBlocks.js";
import { VariableModel } from "./VariableModel.js";

export const SAE_ACTIVATIONS = ["sigmoid", "relu"] as const;
export type SaeActivation = (typeof SAE_ACTIVATIONS)[number];
export const SAE_OUTPUT_ACTIVATIONS = ["sigmoid", "linear"] as const;
export type SaeOutputActivation = (typeof SAE_OUTPUT_ACTIVATIONS)[number];
export const SAE_SPARSITY_KINDS = ["kl", "l1", "topk", "ovr", "none"] as const;

/**
 * The sparsity term (SPEC §1.1-1.4), with its weight:
 * - kl: `beta * sum_k KL(rho || rho_hat_k)` (sigmoid codes only);
 * - l1: `weight * (1/B) sum_ik |h_ik|`;
 * - topk: keep the k largest codes of each sample in the forward pass (no loss term);
 * - ovr: `weight * OVR(H)` (reduction "sum" by default, or "mean");
 * - none: plain (or denoising) autoencoder.
 */
export type SaeSparsity =
  | { kind: "kl"; rho: number; beta: number }
  | { kind: "l1"; weight: number }
  | { kind: "topk"; k: number }
  | { kind: "ovr"; weight: number; reduction?: OvrReduction }
  | { kind: "none" };

export interface SparseAutoencoderConfig {
  inputSize: number;
  hiddenSize: number;
  /** Hidden (code) nonlinearity. Default "sigmoid". */
  activation?: SaeActivation;
  /** Decoder output nonlinearity. Default "sigmoid" (targets in (0, 1), e.g. [0.1, 0.9] patches). */
  outputActivation?: SaeOutputActivation;
  /** Decoder uses W1^T instead of its own W2. Default false. */
  tiedWeights?: boolean;
  /** Default { kind: "kl", rho: 0.01, beta: 3 } (the reference setting of SPEC §1.2). */
  sparsity?: SaeSparsity;
  /** lambda of `(lambda / 2) sum W^2` over the weight matrices (not biases). Default 1e-4. */
  weightDecay?: number;
  /** Corrupt the input during training only (denoising autoencoder). Default none. */
  denoising?: DenoisingSpec | null;
  /** Seed of the weight initialisation (and the default training seed). Default 0. */
  seed?: number;
}

/** A config with every default filled in; this is what is saved. */
export type ResolvedSaeConfig = Required<Omit<SparseAutoencoderConfig, "denoising">> & { denoising: DenoisingSpec | null };

/** The three weighted terms of the cost (SPEC §1.2). They sum to the training loss. */
export interface SaeLossTerms {
  /** `(1 / 2B) sum_i ||x_hat_i - x_i||^2` */
  reconstruction: tf.Scalar;
  /** `(lambda / 2) sum W^2` over W1 (and W2 when untied) */
  weightDecay: tf.Scalar;
  /** The weighted sparsity term (0 for "topk" and "none") */
  sparsity: tf.Scalar;
}

export interface SaeFitProgress {
  /** Block ("epoch") just finished, 1-based. */
  epoch: number;
  /** L-BFGS iterations or optimizer steps so far. */
  steps: number;
}

export interface SaeFitOptions {
  /** "lbfgs" (default): full batch; "adam": minibatches through train(). */
  optimizer?: "lbfgs" | "adam";
  /**
   * lbfgs: number of blocks of `iterationsPerEpoch` iterations (default 8); adam: epochs
   * (default 10). Progress, metrics and checkpoints happen at the end of each.
   */
  epochs?: number;
  /** lbfgs only: iterations per block (default 50), so 8 x 50 = 400 iterations by default. */
  iterationsPerEpoch?: number;
  /** lbfgs only: further minimizeLbfgs options (historySize, tolerances, lineSearch). */
  lbfgs?: Omit<LbfgsOptions, "maxIterations" | "onIteration">;
  /** adam only: minibatch size (default 128). */
  batchSize?: number;
  /** adam only: learning rate (default 1e-3). */
  learningRate?: number;
  /** Seeds shuffling and denoising noise. Default: the model's config seed. */
  seed?: number;
  /** After each block/epoch: extra metrics to record (e.g. sparsity of codes on held-out data). */
  onEpochEnd?: (p: SaeFitProgress) => Record<string, number> | void;
  /** lbfgs only: after every iteration (iteration counts across blocks). */
  onIteration?: (info: { iteration: number; loss: number; gradNorm: number }) => void;
  /** Checkpoint after every block/epoch into this directory. */
  checkpointDir?: string;
  /** adam only: checkpoint every this many epochs (default 1; the last epoch is always saved). */
  checkpointEvery?: number;
  /** Continue from the newest checkpoint in checkpointDir (if any). */
  resume?: boolean;
  /** Progress display (default "none"). */
  progress?: ProgressMode;
  progressStream?: ProgressSink;
  /** adam only: stop after this many optimizer steps in total (to test interruption). */
  stopAfterSteps?: number;
}

export interface SaeFitResult {
  optimizer: "lbfgs" | "adam";
  /** One record per completed block/epoch; terms are the three weighted cost terms. */
  epochs: EpochRecord[];
  /** lbfgs: loss at the start and after every iteration. Empty for adam. */
  lossHistory: number[];
  /** L-BFGS iterations or optimizer steps completed (across resumes). */
  steps: number;
  /** lbfgs: minimizeLbfgs' stop reason; adam: "epochs" or train()'s stop reason. */
  stopReason: string;
  resumedFrom?: { epoch: number; steps: number; checkpoint: string };
  seconds: number;
}

const KIND = "SparseAutoencoder";
const FIT_KEYS = [
  "optimizer", "epochs", "iterationsPerEpoch", "lbfgs", "batchSize", "learningRate", "seed", "onEpochEnd",
  "onIteration", "checkpointDir", "checkpointEvery", "resume", "progress", "progressStream", "stopAfterSteps",
] as const;

function checkSparsity(s: unknown, where: string, hiddenSize: number, activation: SaeActivation): SaeSparsity {
  if (s === null || typeof s !== "object") {
    throw new SparsekitError(`${where}: option 'sparsity' must be an object { kind, ... }, got ${String(s)}.`);
  }
  const kind = (s as { kind?: unknown }).kind;
  assertEnumOption(kind, where, "sparsity.kind", SAE_SPARSITY_KINDS);
  const o = s as Record<string, unknown>;
  switch (kind) {
    case "kl":
      assertKnownOptions(o, where, ["kind", "rho", "beta"]);
      assertNumberOption(o.rho, where, "sparsity.rho", { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
      assertNumberOption(o.beta, where, "sparsity.beta", { min: 0 });
      if (activation !== "sigmoid") {
        throw new SparsekitError(`${where}: sparsity kind "kl" needs activation "sigmoid" (rho_hat is a mean firing rate in (0, 1)), got activation "${activation}".`);
      }
      return { kind, rho: o.rho, beta: o.beta };
    case "l1":
      assertKnownOptions(o, where, ["kind", "weight"]);
      assertNumberOption(o.weight, where, "sparsity.weight", { min: 0 });
      return { kind, weight: o.weight };
    case "topk":
      assertKnownOptions(o, where, ["kind", "k"]);
      assertNumberOption(o.k, where, "sparsity.k", { min: 1, max: hiddenSize, integer: true });
      return { kind, k: o.k };
    case "ovr": {
      assertKnownOptions(o, where, ["kind", "weight", "reduction"]);
      assertNumberOption(o.weight, where, "sparsity.weight", { min: 0 });
      const reduction = o.reduction ?? "sum";
      assertEnumOption(reduction, where, "sparsity.reduction", OVR_REDUCTIONS);
      return { kind, weight: o.weight, reduction };
    }
    default:
      assertKnownOptions(o, where, ["kind"]);
      return { kind: "none" };
  }
}

/** Validates a config and fills in the defaults. */
export function resolveSaeConfig(config: SparseAutoencoderConfig, where = KIND): ResolvedSaeConfig {
  if (config === null || typeof config !== "object") {
    throw new SparsekitError(`${where}: argument 'config' must be an object { inputSize, hiddenSize, ... }, got ${String(config)}.`);
  }
  assertKnownOptions(config, where, [
    "inputSize", "hiddenSize", "activation", "outputActivation", "tiedWeights", "sparsity", "weightDecay", "denoising", "seed",
  ]);
  assertNumberOption(config.inputSize, where, "inputSize", { min: 1, integer: true });
  assertNumberOption(config.hiddenSize, where, "hiddenSize", { min: 1, integer: true });
  const activation = config.activation ?? "sigmoid";
  assertEnumOption(activation, where, "activation", SAE_ACTIVATIONS);
  const outputActivation = config.outputActivation ?? "sigmoid";
  assertEnumOption(outputActivation, where, "outputActivation", SAE_OUTPUT_ACTIVATIONS);
  const tiedWeights = config.tiedWeights ?? false;
  assertBooleanOption(tiedWeights, where, "tiedWeights");
  const sparsity = checkSparsity(config.sparsity ?? { kind: "kl", rho: 0.01, beta: 3 }, where, config.hiddenSize, activation);
  const weightDecay = config.weightDecay ?? 1e-4;
  assertNumberOption(weightDecay, where, "weightDecay", { min: 0 });
  const seed = config.seed ?? 0;
  assertNumberOption(seed, where, "seed", { min: 0, integer: true });
  const denoising = checkDenoising(config.denoising, where);
  return {
    inputSize: config.inputSize,
    hiddenSize: config.hiddenSize,
    activation,
    outputActivation,
    tiedWeights,
    sparsity,
    weightDecay,
    denoising,
    seed,
  };
}

/**
 * Dense sparse autoencoder (SPEC §1.2, §3; seed 002):
 * `h = f(x W1 + b1)`, `x_hat = g(h W2 + b2)` (tied: W2 = W1^T), f sigmoid or ReLU, g sigmoid or
 * linear, with cost `(1/2B) sum_i ||x_hat_i - x_i||^2 + (lambda/2) sum W^2 + sparsity term`
 * (KL, L1, top-k or OVR; see {@link SaeSparsity}). Shapes: x [B, inputSize], W1 [inputSize,
 * hiddenSize], W2 [hiddenSize, inputSize]; codes [B, hiddenSize]. Weights start uniform in
 * ±sqrt(6 / (n_in + n_out + 1)) (UFLDL), biases at 0, drawn from the config seed. Training is
 * full-batch L-BFGS (default; what rho = 0.01 needs) or minibatch Adam through train().
 * With `denoising`, fit() corrupts the input (target stays clean); encode/reconstruct/lossTerms
 * never do. Variables: "W1", "b1", ["W2"], "b2"; relativeChange("W1") = ||W1 - W1_0|| / ||W1_0||.
 */
export class SparseAutoencoder extends VariableModel<ResolvedSaeConfig> {
  readonly kind = KIND;

  private constructor(config: ResolvedSaeConfig, variables: Record<string, tf.Variable>) {
    super(config, variables);
  }

  /** New model with freshly initialised weights (see the class comment). */
  static create(config: SparseAutoencoderConfig): SparseAutoencoder {
    const c = resolveSaeConfig(config, `${KIND}.create`);
    const rng = createRng(c.seed, `${KIND}.create`);
    const r = Math.sqrt(6 / (c.inputSize + c.hiddenSize + 1));
    const vars: Record<string, tf.Variable> = {};
    const w1 = randomUniform([c.inputSize, c.hiddenSize], -r, r, rng);
    vars.W1 = tf.variable(w1, true);
    w1.dispose();
    vars.b1 = tf.variable(tf.zeros([c.hiddenSize]), true);
    if (!c.tiedWeights) {
      const w2 = randomUniform([c.hiddenSize, c.inputSize], -r, r, rng);
      vars.W2 = tf.variable(w2, true);
      w2.dispose();
    }
    vars.b2 = tf.variable(tf.zeros([c.inputSize]), true);
    return new SparseAutoencoder(c, vars);
  }

  /** Loads a model written by save(dir); the initial-weight snapshot comes back too. */
  static async load(target: string | tf.io.IOHandler): Promise<SparseAutoencoder> {
    const { config, values, initial } = await VariableModel.readSaved(target, KIND);
    let c: ResolvedSaeConfig;
    try {
      c = resolveSaeConfig(config as SparseAutoencoderConfig, `${KIND}.load`);
    } catch (e) {
      tf.dispose([...Object.values(values), ...Object.values(initial)]);
      throw e;
    }
    const expected: Record<string, number[]> = { W1: [c.inputSize, c.hiddenSize], b1: [c.hiddenSize], b2: [c.inputSize] };
    if (!c.tiedWeights) expected.W2 = [c.hiddenSize, c.inputSize];
    for (const [name, shape] of Object.entries(expected)) {
      const t = values[name];
      if (!t || t.shape.join(",") !== shape.join(",")) {
        tf.dispose([...Object.values(values), ...Object.values(initial)]);
        throw new SparsekitError(`${KIND}.load: '${String(target)}' must hold variable '${name}' of shape ${shapeString(shape)}, got ${t ? shapeString(t.shape) : "none"}.`);
      }
    }
    const vars: Record<string, tf.Variable> = {};
    for (const name of Object.keys(expected)) vars[name] = tf.variable(values[name], true);
    tf.dispose(Object.values(values));
    const model = new SparseAutoencoder(c, vars);
    model.restoreInitial(initial);
    return model;
  }

  /** The decoder matrix [hiddenSize, inputSize] (W1^T when tied). The caller owns the result. */
  decoderWeights(): tf.Tensor2D {
    return tf.tidy(() => (this.config.tiedWeights ? tf.transpose(this.variables.W1) : tf.clone(this.variables.W2))) as tf.Tensor2D;
  }

  /** Encoder filters, one row per hidden unit: W1^T, [hiddenSize, inputSize]. The caller owns it. */
  filters(): tf.Tensor2D {
    return tf.tidy(() => tf.transpose(this.variables.W1)) as tf.Tensor2D;
  }

  /** Name of the decoder's weight variable ("W1" when tied), for relativeChange. */
  get decoderVariable(): "W1" | "W2" {
    return this.config.tiedWeights ? "W1" : "W2";
  }

  private checkInput(x: unknown, where: string, name = "x", minBatch = 1): asserts x is tf.Tensor2D {
    assertTensor(x, where, name);
    assertRank(x, where, name, 2, `B x ${this.config.inputSize}: one sample per row`);
    if (x.shape[1] !== this.config.inputSize) {
      throw new SparsekitError(`${where}: argument '${name}' must have ${this.config.inputSize} columns (inputSize), got shape ${shapeString(x.shape)}.`);
    }
    if (x.shape[0] < minBatch) {
      throw new SparsekitError(`${where}: argument '${name}' must hold at least ${minBatch} samples (the sparsity term is a batch statistic), got ${x.shape[0]}.`);
    }
    assertFinite(x, where, name);
  }

  private minBatch(): number {
    const k = this.config.sparsity.kind;
    return k === "kl" || k === "ovr" ? 2 : 1;
  }

  /** Codes before any validation (training path). */
  private codes(x: tf.Tensor): tf.Tensor2D {
    const z = tf.add(tf.matMul(x, this.variables.W1), this.variables.b1);
    const h = this.config.activation === "sigmoid" ? tf.sigmoid(z) : tf.relu(z);
    const s = this.config.sparsity;
    return (s.kind === "topk" ? topK(h, s.k) : h) as tf.Tensor2D;
  }

  private output(h: tf.Tensor): tf.Tensor2D {
    const w2 = this.config.tiedWeights ? tf.transpose(this.variables.W1) : this.variables.W2;
    const z = tf.add(tf.matMul(h, w2), this.variables.b2);
    return (this.config.outputActivation === "sigmoid" ? tf.sigmoid(z) : z) as tf.Tensor2D;
  }

  /** Hidden codes h = f(x W1 + b1) (top-k applied for sparsity "topk"): [B, inputSize] -> [B, hiddenSize]. */
  encode(x: tf.Tensor): tf.Tensor2D {
    this.checkInput(x, `${KIND}.encode`);
    return tf.tidy(() => this.codes(x));
  }

  /** x_hat = g(h W2 + b2): [B, hiddenSize] -> [B, inputSize]. */
  decode(h: tf.Tensor): tf.Tensor2D {
    const where = `${KIND}.decode`;
    assertTensor(h, where, "h");
    assertRank(h, where, "h", 2, `B x ${this.config.hiddenSize}: one code per row`);
    if (h.shape[1] !== this.config.hiddenSize) {
      throw new SparsekitError(`${where}: argument 'h' must have ${this.config.hiddenSize} columns (hiddenSize), got shape ${shapeString(h.shape)}.`);
    }
    assertFinite(h, where, "h");
    return tf.tidy(() => this.output(h));
  }

  /** decode(encode(x)), never corrupted. */
  reconstruct(x: tf.Tensor): tf.Tensor2D {
    this.checkInput(x, `${KIND}.reconstruct`);
    return tf.tidy(() => this.output(this.codes(x)));
  }

  /** The weighted cost terms on clean input `target`, with `input` fed to the encoder. */
  private terms(input: tf.Tensor, target: tf.Tensor): SaeLossTerms {
    const c = this.config;
    const batch = target.shape[0] as number;
    const h = this.codes(input);
    const xHat = this.output(h);
    const reconstruction = tf.div(tf.sum(tf.square(tf.sub(xHat, target))), 2 * batch) as tf.Scalar;
    const mats = c.tiedWeights ? [this.variables.W1] : [this.variables.W1, this.variables.W2];
    const weightDecay = tf.mul(c.weightDecay / 2, tf.addN(mats.map((w) => tf.sum(tf.square(w))))) as tf.Scalar;
    const s = c.sparsity;
    let sparsity: tf.Scalar;
    if (s.kind === "kl") sparsity = tf.mul(s.beta, klSparsityPenalty(h, { rho: s.rho }));
    else if (s.kind === "l1") sparsity = tf.mul(s.weight, l1Penalty(h));
    else if (s.kind === "ovr") sparsity = tf.mul(s.weight, ovrOverlap(h, { reduction: s.reduction }));
    else sparsity = tf.scalar(0);
    return { reconstruction, weightDecay, sparsity };
  }

  /**
   * The three weighted cost terms on `x` (clean input; SPEC §1.2). Their sum is the training
   * loss. x: [B, inputSize] with B >= 2 for "kl"/"ovr". The caller disposes the scalars.
   */
  lossTerms(x: tf.Tensor): SaeLossTerms {
    this.checkInput(x, `${KIND}.lossTerms`, "x", this.minBatch());
    const out = tf.tidy(() => {
      const t = this.terms(x, x);
      return [t.reconstruction, t.weightDecay, t.sparsity];
    });
    return { reconstruction: out[0], weightDecay: out[1], sparsity: out[2] };
  }

  /** lossTerms as plain numbers. */
  lossValues(x: tf.Tensor): { reconstruction: number; weightDecay: number; sparsity: number } {
    const t = this.lossTerms(x);
    const v = { reconstruction: t.reconstruction.dataSync()[0], weightDecay: t.weightDecay.dataSync()[0], sparsity: t.sparsity.dataSync()[0] };
    tf.dispose([t.reconstruction, t.weightDecay, t.sparsity]);
    return v;
  }

  /** Training-time terms: the input is corrupted (denoising) with the given seed. */
  private trainingTerms(x: tf.Tensor, noiseSeed: number): SaeLossTerms {
    const d = this.config.denoising;
    const input = d ? corruptInput(x, { kind: d.kind, level: d.level, seed: noiseSeed }) : x;
    return this.terms(input, x);
  }

  /**
   * Trains on x [n, inputSize] (SPEC §1.2). "lbfgs" (default): full-batch L-BFGS in `epochs`
   * blocks of `iterationsPerEpoch` iterations (see minimizeLbfgsInBlocks; with denoising one
   * corrupted copy of x, drawn once, keeps the objective deterministic). "adam": train() with
   * minibatches of `batchSize`, fresh noise per step. Checkpoints go to `checkpointDir` after
   * each block/epoch; `resume` continues from the newest. Each epoch record holds the terms the
   * optimizer saw (lbfgs: at the block's end; adam: the epoch's minibatch means, corrupted input
   * when denoising), the clean full-data terms at its end as metrics endReconstruction,
   * endWeightDecay, endSparsity, and `onEpochEnd`'s metrics.
   */
  async fit(x: tf.Tensor, options: SaeFitOptions = {}): Promise<SaeFitResult> {
    const where = `${KIND}.fit`;
    assertKnownOptions(options, where, FIT_KEYS);
    this.checkInput(x, where, "x", this.minBatch());
    const optimizer = options.optimizer ?? "lbfgs";
    assertEnumOption(optimizer, where, "optimizer", ["lbfgs", "adam"] as const);
    const seed = options.seed ?? this.config.seed;
    assertNumberOption(seed, where, "seed", { min: 0, integer: true });
    const progress = options.progress ?? "none";
    assertEnumOption(progress, where, "progress", PROGRESS_MODES);
    if (options.onEpochEnd !== undefined && typeof options.onEpochEnd !== "function") {
      throw new SparsekitError(`${where}: option 'onEpochEnd' must be a function.`);
    }
    const started = performance.now();
    /** The cost terms on clean x at the current weights, recorded as metrics after each block/epoch. */
    const endTerms = (): Record<string, number> => {
      const v = this.lossValues(x);
      return { endReconstruction: v.reconstruction, endWeightDecay: v.weightDecay, endSparsity: v.sparsity };
    };

    if (optimizer === "lbfgs") {
      for (const k of ["batchSize", "learningRate", "stopAfterSteps", "checkpointEvery"] as const) {
        if (options[k] !== undefined) throw new SparsekitError(`${where}: option '${k}' applies to optimizer "adam" only, not "lbfgs".`);
      }
      const epochs = options.epochs ?? 8;
      assertNumberOption(epochs, where, "epochs", { min: 1, integer: true });
      const perEpoch = options.iterationsPerEpoch ?? 50;
      assertNumberOption(perEpoch, where, "iterationsPerEpoch", { min: 1, integer: true });
      const d = this.config.denoising;
      const input = d ? corruptInput(x, { kind: d.kind, level: d.level, seed: deriveSeed(seed, "lbfgs-noise") }) : x;
      try {
        const result = await minimizeLbfgsInBlocks({
          variables: this.variables,
          lossFn: () => {
            const t = this.terms(input, x);
            return tf.addN([t.reconstruction, t.weightDecay, t.sparsity]) as tf.Scalar;
          },
          blocks: epochs,
          iterationsPerBlock: perEpoch,
          ...(options.lbfgs ? { lbfgs: options.lbfgs } : {}),
          ...(options.onIteration ? { onIteration: (i: { iteration: number; loss: number; gradNorm: number }) => options.onIteration?.(i) } : {}),
          onBlockEnd: (block, iterations) => ({
            terms: tf.tidy(() => {
              const t = this.terms(input, x);
              return { reconstruction: t.reconstruction.dataSync()[0], weightDecay: t.weightDecay.dataSync()[0], sparsity: t.sparsity.dataSync()[0] };
            }),
            metrics: { ...endTerms(), ...(options.onEpochEnd?.({ epoch: block, steps: iterations }) ?? {}) },
          }),
          ...(options.checkpointDir ? { checkpointDir: options.checkpointDir } : {}),
          resume: options.resume ?? false,
          progress,
          ...(options.progressStream ? { progressStream: options.progressStream } : {}),
        });
        return {
          optimizer,
          epochs: result.epochs,
          lossHistory: result.lossHistory,
          steps: result.iterations,
          stopReason: result.reason,
          ...(result.resumedFrom
            ? { resumedFrom: { epoch: result.resumedFrom.block, steps: result.resumedFrom.iterations, checkpoint: result.resumedFrom.checkpoint } }
            : {}),
          seconds: (performance.now() - started) / 1000,
        };
      } finally {
        if (input !== x) input.dispose();
      }
    }

    for (const k of ["iterationsPerEpoch", "lbfgs", "onIteration"] as const) {
      if (options[k] !== undefined) throw new SparsekitError(`${where}: option '${k}' applies to optimizer "lbfgs" only, not "adam".`);
    }
    const epochs = options.epochs ?? 10;
    assertNumberOption(epochs, where, "epochs", { min: 1, integer: true });
    const batchSize = options.batchSize ?? 128;
    assertNumberOption(batchSize, where, "batchSize", { min: 1, integer: true });
    const n = x.shape[0];
    if (this.minBatch() > 1 && (batchSize < 2 || (n % batchSize === 1 && n > batchSize))) {
      throw new SparsekitError(
        `${where}: option 'batchSize' ${batchSize} leaves a batch of 1 sample (n = ${n}); sparsity "${this.config.sparsity.kind}" is a batch statistic and needs at least 2. Pick another batchSize.`,
      );
    }
    const learningRate = options.learningRate ?? 1e-3;
    assertNumberOption(learningRate, where, "learningRate", { min: 0, exclusiveMin: true });
    let lastSteps = 0;
    const history = await train({
      variables: this.variables,
      lossTerms: (batch, ctx) => {
        lastSteps = ctx.step;
        const t = this.trainingTerms(batch.x, ctx.seed);
        return { reconstruction: t.reconstruction, weightDecay: t.weightDecay, sparsity: t.sparsity };
      },
      data: { x },
      epochs,
      batchSize,
      optimizer: { name: "adam", learningRate },
      seed,
      progress,
      ...(options.progressStream ? { progressStream: options.progressStream } : {}),
      evaluate: (epoch) => ({ ...endTerms(), ...(options.onEpochEnd?.({ epoch, steps: lastSteps }) ?? {}) }),
      ...(options.checkpointDir
        ? { checkpoint: { dir: options.checkpointDir, ...(options.checkpointEvery !== undefined ? { every: options.checkpointEvery } : {}) } }
        : {}),
      resume: options.resume ?? false,
      ...(options.stopAfterSteps !== undefined ? { stopAfterSteps: options.stopAfterSteps } : {}),
      config: { model: this.config as unknown as Record<string, unknown> },
    });
    return {
      optimizer,
      epochs: history.epochs,
      lossHistory: [],
      steps: history.steps,
      stopReason: history.stopped?.reason ?? "epochs",
      ...(history.resumedFrom
        ? { resumedFrom: { epoch: history.resumedFrom.epoch, steps: history.resumedFrom.step, checkpoint: history.resumedFrom.checkpoint } }
        : {}),
      seconds: (performance.now() - started) / 1000,
    };
  }
}
