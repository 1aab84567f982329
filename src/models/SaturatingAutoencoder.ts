import * as tf from "@tensorflow/tfjs";
import { saturationPenalty } from "../objectives/saturationPenalty.js";
import { createRng } from "../random/index.js";
import { glorotUniform } from "../train/initializers.js";
import type { TrainHistory } from "../train/history.js";
import type { OptimizerSpec } from "../train/optimizer.js";
import type { ProgressMode, ProgressSink } from "../train/progress.js";
import { train, type TrainCallbacks } from "../train/train.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBooleanOption, assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertBatchSize, assertFinite, assertRank, assertTensor, shapeString } from "../validation/tensorChecks.js";
import { checkDenoising, maybeCorrupt, type DenoisingSpec } from "./denoising.js";
import { VariableModel } from "./VariableModel.js";

/** Encoder activations of the saturating autoencoders (SPEC §1.3). */
export const SATAE_ACTIVATIONS = ["satlin", "relu"] as const;
export type SataeActivation = (typeof SATAE_ACTIVATIONS)[number];

/** Output non-linearity of the decoder: "linear" (the SATAE paper's) or "sigmoid" (data in [0, 1]). */
export const SATAE_DECODER_OUTPUTS = ["linear", "sigmoid"] as const;
export type SataeDecoderOutput = (typeof SATAE_DECODER_OUTPUTS)[number];

/**
 * satlin(z) = clip(z, 0, 1); relu(z) = max(z, 0). Pure tensor op (caller owns the result).
 */
export function sataeActivate(z: tf.Tensor, activation: SataeActivation): tf.Tensor {
  return activation === "satlin" ? tf.clipByValue(z, 0, 1) : tf.relu(z);
}

/**
 * Fraction of pre-activations in a flat (saturated) region of the activation, where f' = 0 and
 * the regulariser's gradient vanishes: satlin `z <= 0 or z >= 1`, relu `z <= 0`. Also the two
 * sides separately (`low`: z <= 0, `high`: z >= 1, always 0 for relu). Range [0, 1].
 */
export function saturatedFraction(z: tf.Tensor, activation: SataeActivation): { total: number; low: number; high: number } {
  return tf.tidy(() => {
    const n = z.size;
    const low = tf.sum(tf.cast(tf.lessEqual(z, 0), "float32")).dataSync()[0] / n;
    const high = activation === "satlin" ? tf.sum(tf.cast(tf.greaterEqual(z, 1), "float32")).dataSync()[0] / n : 0;
    return { total: low + high, low, high };
  });
}

/** Checks the options the dense and the convolutional saturating autoencoder share. */
export function checkSataeOptions(
  c: { activation: unknown; tied: unknown; decoderOutput: unknown; alpha: unknown; weightDecay: unknown; seed: unknown },
  where: string,
): void {
  assertEnumOption(c.activation, where, "activation", SATAE_ACTIVATIONS);
  assertBooleanOption(c.tied, where, "tied");
  assertEnumOption(c.decoderOutput, where, "decoderOutput", SATAE_DECODER_OUTPUTS);
  assertNumberOption(c.alpha, where, "alpha", { min: 0 });
  assertNumberOption(c.weightDecay, where, "weightDecay", { min: 0 });
  assertNumberOption(c.seed, where, "seed", { integer: true, min: 0 });
}

/** Options of `fit` shared by the dense and the convolutional saturating autoencoder. */
export interface SataeFitOptions {
  epochs: number;
  /** Default 64. */
  batchSize?: number;
  /** Default { name: "adam", learningRate: 1e-3 }. */
  optimizer?: OptimizerSpec;
  /** Seeds shuffling and the denoising noise (per step). Default 0. */
  seed?: number;
  /** Checkpoints go here (every epoch); with `resume`, training continues from the latest one. */
  checkpointDir?: string;
  resume?: boolean;
  /** Default "none". */
  progress?: ProgressMode;
  progressStream?: ProgressSink;
  /** Called after every epoch; its numbers go to the history (e.g. held-out saturation). */
  evaluate?: (epoch: number) => Record<string, number> | Promise<Record<string, number>>;
  callbacks?: TrainCallbacks;
  /** Stop after this many optimizer steps in total (tests of interruption). */
  stopAfterSteps?: number;
}

const FIT_KEYS = [
  "epochs", "batchSize", "optimizer", "seed", "checkpointDir", "resume", "progress", "progressStream", "evaluate", "callbacks", "stopAfterSteps",
] as const;

/** Variables and loss terms a saturating autoencoder exposes to {@link fitSatae}. */
export interface SataeTrainable {
  readonly variables: Record<string, tf.Variable>;
  readonly config: object;
  lossTerms(x: tf.Tensor, options?: { noiseSeed?: number }): Record<string, tf.Scalar>;
}

/** Shared `fit`: Adam via train(), the model's loss terms, checkpoints/resume. */
export async function fitSatae(model: SataeTrainable, x: tf.Tensor, options: SataeFitOptions, where: string): Promise<TrainHistory> {
  assertKnownOptions(options, where, FIT_KEYS);
  if (options.resume !== undefined) assertBooleanOption(options.resume, where, "resume");
  if (options.resume && !options.checkpointDir) {
    throw new SparsekitError(`${where}: option 'resume' needs option 'checkpointDir' (where to resume from).`);
  }
  return train({
    variables: model.variables,
    lossTerms: (batch, ctx) => model.lossTerms(batch.x, { noiseSeed: ctx.seed }),
    data: { x },
    epochs: options.epochs,
    batchSize: options.batchSize ?? 64,
    optimizer: options.optimizer ?? { name: "adam", learningRate: 1e-3 },
    seed: options.seed ?? 0,
    progress: options.progress ?? "none",
    ...(options.progressStream ? { progressStream: options.progressStream } : {}),
    ...(options.evaluate ? { evaluate: options.evaluate } : {}),
    ...(options.callbacks ? { callbacks: options.callbacks } : {}),
    ...(options.stopAfterSteps !== undefined ? { stopAfterSteps: options.stopAfterSteps } : {}),
    ...(options.checkpointDir ? { checkpoint: { dir: options.checkpointDir }, resume: options.resume ?? false } : {}),
    checkFinite: "terms",
    config: { model: where.split(".")[0], ...model.config },
  });
}

export interface SaturatingAutoencoderConfig {
  inputDim: number;
  hiddenSize: number;
  activation: SataeActivation;
  /** Decoder weights = encoder weights transposed. */
  tied: boolean;
  decoderOutput: SataeDecoderOutput;
  /** Weight of the saturating regulariser (SPEC §1.3). */
  alpha: number;
  /** lambda of (lambda / 2) sum W^2 over the weight matrices (not biases). */
  weightDecay: number;
  denoising: DenoisingSpec | null;
  /** Initialisation seed. */
  seed: number;
}

export type SaturatingAutoencoderOptions = Pick<SaturatingAutoencoderConfig, "inputDim" | "hiddenSize"> &
  Partial<Omit<SaturatingAutoencoderConfig, "inputDim" | "hiddenSize">>;

const CONFIG_KEYS = ["inputDim", "hiddenSize", "activation", "tied", "decoderOutput", "alpha", "weightDecay", "denoising", "seed"] as const;
const KIND = "SaturatingAutoencoder";

function resolveConfig(options: SaturatingAutoencoderOptions, where: string): SaturatingAutoencoderConfig {
  if (options === null || typeof options !== "object") {
    throw new SparsekitError(`${where}: argument 'options' must be an object with at least inputDim and hiddenSize, got ${String(options)}.`);
  }
  assertKnownOptions(options, where, CONFIG_KEYS);
  const c: SaturatingAutoencoderConfig = {
    inputDim: options.inputDim,
    hiddenSize: options.hiddenSize,
    activation: options.activation ?? "satlin",
    tied: options.tied ?? true,
    decoderOutput: options.decoderOutput ?? "linear",
    alpha: options.alpha ?? 0.1,
    weightDecay: options.weightDecay ?? 0,
    denoising: checkDenoising(options.denoising, where),
    seed: options.seed ?? 0,
  };
  assertNumberOption(c.inputDim, where, "inputDim", { min: 1, integer: true });
  assertNumberOption(c.hiddenSize, where, "hiddenSize", { min: 1, integer: true });
  checkSataeOptions(c, where);
  return c;
}

/**
 * Dense saturating autoencoder (Goroshin & LeCun 2013; SPEC §1.3, §3):
 * - encoder: pre-activations `z = x W + b` (x: B x D, W: D x K), codes `h = f(z)` with f = satlin
 *   `clip(z, 0, 1)` or relu;
 * - decoder: `x_hat = g(h W' + c)` with W' = W^T (tied) or its own K x D matrix, g linear or sigmoid;
 * - loss: `(1/2B) sum_i ||x_hat_i - x_i||^2 + alpha * saturationPenalty(z) + (lambda/2) sum W^2`,
 *   the regulariser on the encoder pre-activations (one encoder layer, D_h = 1); with `denoising`,
 *   training encodes a corrupted x (Gaussian or masking noise) and reconstructs the clean x.
 * Variables: "W" (D x K), "b" (K), "c" (D) and, untied, "Wdec" (K x D). Glorot-uniform weights,
 * zero biases, seeded by `seed`.
 */
export class SaturatingAutoencoder extends VariableModel<SaturatingAutoencoderConfig> implements SataeTrainable {
  readonly kind = KIND;

  private constructor(config: SaturatingAutoencoderConfig, variables: Record<string, tf.Variable>) {
    super(config, variables);
  }

  /** A freshly initialised model; see the class comment for the options and their defaults. */
  static create(options: SaturatingAutoencoderOptions): SaturatingAutoencoder {
    const config = resolveConfig(options, `${KIND}.create`);
    const { inputDim: d, hiddenSize: k } = config;
    const rng = createRng(config.seed);
    const variables: Record<string, tf.Variable> = {};
    const make = (t: tf.Tensor) => {
      const v = tf.variable(t, true);
      t.dispose();
      return v;
    };
    variables.W = make(glorotUniform([d, k], rng));
    variables.b = make(tf.zeros([k]));
    if (!config.tied) variables.Wdec = make(glorotUniform([k, d], rng));
    variables.c = make(tf.zeros([d]));
    return new SaturatingAutoencoder(config, variables);
  }

  /** Reads a model written by `save(dir)` (weights and the initial snapshot of relativeChange). */
  static async load(target: string | tf.io.IOHandler): Promise<SaturatingAutoencoder> {
    const { config, values, initial } = await VariableModel.readSaved(target, KIND);
    const c = resolveConfig(config as SaturatingAutoencoderOptions, `${KIND}.load`);
    const variables: Record<string, tf.Variable> = {};
    for (const [name, t] of Object.entries(values)) {
      variables[name] = tf.variable(t, true);
      t.dispose();
    }
    const model = new SaturatingAutoencoder(c, variables);
    model.restoreInitial(initial);
    return model;
  }

  private checkInput(x: unknown, where: string, name = "x"): asserts x is tf.Tensor {
    assertTensor(x, where, name);
    assertRank(x, where, name, 2, `B x ${this.config.inputDim}`);
    assertBatchSize(x, where, name);
    if (x.shape[1] !== this.config.inputDim) {
      throw new SparsekitError(`${where}: argument '${name}' must have ${this.config.inputDim} columns, got shape ${shapeString(x.shape)}.`);
    }
    assertFinite(x, where, name);
  }

  private param(params: Partial<Record<string, tf.Tensor>> | undefined, name: string): tf.Tensor {
    return params?.[name] ?? this.variables[name];
  }

  private preActivationsWith(x: tf.Tensor, params?: Partial<Record<string, tf.Tensor>>): tf.Tensor {
    return tf.add(tf.matMul(x, this.param(params, "W")), this.param(params, "b"));
  }

  private decodeWith(h: tf.Tensor, params?: Partial<Record<string, tf.Tensor>>): tf.Tensor {
    const out = tf.add(
      this.config.tied ? tf.matMul(h, this.param(params, "W"), false, true) : tf.matMul(h, this.param(params, "Wdec")),
      this.param(params, "c"),
    );
    return this.config.decoderOutput === "sigmoid" ? tf.sigmoid(out) : out;
  }

  /** Encoder pre-activations z = x W + b, B x K (where the regulariser acts). */
  preActivations(x: tf.Tensor): tf.Tensor2D {
    this.checkInput(x, `${KIND}.preActivations`);
    return tf.tidy(() => this.preActivationsWith(tf.cast(x, "float32"))) as tf.Tensor2D;
  }

  /** Codes h = f(x W + b), B x K. */
  encode(x: tf.Tensor): tf.Tensor2D {
    this.checkInput(x, `${KIND}.encode`);
    return tf.tidy(() => sataeActivate(this.preActivationsWith(tf.cast(x, "float32")), this.config.activation)) as tf.Tensor2D;
  }

  /** x_hat = g(h W' + c), B x D, from codes h (B x K). */
  decode(h: tf.Tensor): tf.Tensor2D {
    const where = `${KIND}.decode`;
    assertTensor(h, where, "h");
    assertRank(h, where, "h", 2, `B x ${this.config.hiddenSize}`);
    assertBatchSize(h, where, "h");
    if (h.shape[1] !== this.config.hiddenSize) {
      throw new SparsekitError(`${where}: argument 'h' must have ${this.config.hiddenSize} columns, got shape ${shapeString(h.shape)}.`);
    }
    assertFinite(h, where, "h");
    return tf.tidy(() => this.decodeWith(tf.cast(h, "float32"))) as tf.Tensor2D;
  }

  /** decode(encode(x)) on the clean input, B x D. */
  reconstruct(x: tf.Tensor): tf.Tensor2D {
    this.checkInput(x, `${KIND}.reconstruct`);
    return tf.tidy(() => this.decodeWith(sataeActivate(this.preActivationsWith(tf.cast(x, "float32")), this.config.activation))) as tf.Tensor2D;
  }

  /** Fraction of encoder pre-activations on x in a saturated region (see {@link saturatedFraction}). */
  saturation(x: tf.Tensor): { total: number; low: number; high: number } {
    const z = this.preActivations(x);
    try {
      return saturatedFraction(z, this.config.activation);
    } finally {
      z.dispose();
    }
  }

  /**
   * The weighted loss terms on a batch x (B x D): `reconstruction` (1/2B) sum ||x_hat - x||^2,
   * `saturation` alpha * saturationPenalty(z), and `weightDecay` when lambda > 0. With
   * `noiseSeed` and denoising on, the encoder sees the corrupted x. `params` replaces variables
   * by plain tensors (gradient checks). Differentiable; call inside tf.tidy or dispose the terms.
   */
  lossTerms(x: tf.Tensor, options: { noiseSeed?: number; params?: Partial<Record<string, tf.Tensor>> } = {}): Record<string, tf.Scalar> {
    const where = `${KIND}.lossTerms`;
    this.checkInput(x, where);
    assertKnownOptions(options, where, ["noiseSeed", "params"]);
    const { config } = this;
    const xf = tf.cast(x, "float32");
    const input = maybeCorrupt(xf, config.denoising, options.noiseSeed);
    const z = this.preActivationsWith(input, options.params);
    const xHat = this.decodeWith(sataeActivate(z, config.activation), options.params);
    const batch = x.shape[0];
    const terms: Record<string, tf.Scalar> = {
      reconstruction: tf.div(tf.sum(tf.square(tf.sub(xHat, xf))), 2 * batch) as tf.Scalar,
      // One encoder layer: the 1/D_h layer average of SPEC §1.3 is 1.
      saturation: tf.mul(config.alpha, saturationPenalty(z, { activation: config.activation })) as tf.Scalar,
    };
    if (config.weightDecay > 0) {
      const w = this.param(options.params, "W");
      let sq = tf.sum(tf.square(w));
      if (!config.tied) sq = tf.add(sq, tf.sum(tf.square(this.param(options.params, "Wdec"))));
      terms.weightDecay = tf.mul(config.weightDecay / 2, sq) as tf.Scalar;
    }
    return terms;
  }

  /** Sum of {@link lossTerms} (no noise unless noiseSeed is given), as a number. */
  loss(x: tf.Tensor, options: { noiseSeed?: number } = {}): number {
    return tf.tidy(() => tf.addN(Object.values(this.lossTerms(x, options))).dataSync()[0]);
  }

  /** Trains on x (N x D) with Adam via train(); returns the per-epoch history. */
  fit(x: tf.Tensor, options: SataeFitOptions): Promise<TrainHistory> {
    this.checkInput(x, `${KIND}.fit`);
    return fitSatae(this, x, options, `${KIND}.fit`);
  }

  /** Encoder filters as D x ... rows for an image grid: K x D (one row per hidden unit). */
  encoderFilters(): tf.Tensor2D {
    return tf.tidy(() => tf.transpose(this.variables.W)) as tf.Tensor2D;
  }
}
