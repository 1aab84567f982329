import * as tf from "@tensorflow/tfjs";
import { saturationPenalty } from "../objectives/saturationPenalty.js";
import { createRng } from "../random/index.js";
import { glorotUniform } from "../train/initializers.js";
import type { TrainHistory } from "../train/history.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertBatchSize, assertFinite, assertRank, assertTensor, shapeString } from "../validation/tensorChecks.js";
import {
  checkSataeOptions,
  fitSatae,
  sataeActivate,
  saturatedFraction,
  type SataeActivation,
  type SataeDecoderOutput,
  type SataeFitOptions,
  type SataeTrainable,
} from "./SaturatingAutoencoder.js";
import { checkDenoising, maybeCorrupt, type DenoisingSpec } from "./denoising.js";
import { VariableModel } from "./VariableModel.js";

export const CONV_PADDINGS = ["same", "valid"] as const;
export type ConvPadding = (typeof CONV_PADDINGS)[number];

export interface ConvSaturatingAutoencoderConfig {
  /** Input images: height x width x channels (NHWC). */
  height: number;
  width: number;
  channels: number;
  /** Number of feature maps F. */
  filters: number;
  /** Square kernel side k (must be odd with "same" padding: symmetric zero padding). */
  kernelSize: number;
  /** Encoder padding: "same" (maps H x W) or "valid" (maps (H-k+1) x (W-k+1)). */
  padding: ConvPadding;
  activation: SataeActivation;
  /** Decoder = transposed convolution with the encoder's own kernel (else its own kernel "Kdec"). */
  tied: boolean;
  decoderOutput: SataeDecoderOutput;
  /** Weight of the saturating regulariser (SPEC §1.3). */
  alpha: number;
  /** lambda of (lambda / 2) sum K^2 over the kernels (not biases). */
  weightDecay: number;
  denoising: DenoisingSpec | null;
  /** Initialisation seed. */
  seed: number;
}

export type ConvSaturatingAutoencoderOptions = Pick<ConvSaturatingAutoencoderConfig, "height" | "width" | "filters" | "kernelSize"> &
  Partial<Omit<ConvSaturatingAutoencoderConfig, "height" | "width" | "filters" | "kernelSize">>;

const CONFIG_KEYS = [
  "height", "width", "channels", "filters", "kernelSize", "padding", "activation", "tied", "decoderOutput", "alpha", "weightDecay", "denoising", "seed",
] as const;
const KIND = "ConvSaturatingAutoencoder";

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

function spatialPad(p: number): Pad4 {
  return [[0, 0], [p, p], [p, p], [0, 0]];
}

/** K[r, c, i, o] -> K[k-1-r, k-1-c, o, i]: the kernel of the adjoint convolution (stride 1). */
function flipKernel(kernel: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]);
}

function resolveConfig(options: ConvSaturatingAutoencoderOptions, where: string): ConvSaturatingAutoencoderConfig {
  if (options === null || typeof options !== "object") {
    throw new SparsekitError(`${where}: argument 'options' must be an object with at least height, width, filters and kernelSize, got ${String(options)}.`);
  }
  assertKnownOptions(options, where, CONFIG_KEYS);
  const c: ConvSaturatingAutoencoderConfig = {
    height: options.height,
    width: options.width,
    channels: options.channels ?? 1,
    filters: options.filters,
    kernelSize: options.kernelSize,
    padding: options.padding ?? "same",
    activation: options.activation ?? "satlin",
    tied: options.tied ?? true,
    decoderOutput: options.decoderOutput ?? "linear",
    alpha: options.alpha ?? 0.01,
    weightDecay: options.weightDecay ?? 0,
    denoising: checkDenoising(options.denoising, where),
    seed: options.seed ?? 0,
  };
  for (const key of ["height", "width", "channels", "filters", "kernelSize"] as const) {
    assertNumberOption(c[key], where, key, { min: 1, integer: true });
  }
  assertEnumOption(c.padding, where, "padding", CONV_PADDINGS);
  if (c.padding === "same" && c.kernelSize % 2 === 0) {
    throw new SparsekitError(`${where}: option 'kernelSize' must be odd with "same" padding (symmetric zero padding), got ${c.kernelSize}.`);
  }
  if (c.padding === "valid" && (c.kernelSize > c.height || c.kernelSize > c.width)) {
    throw new SparsekitError(`${where}: option 'kernelSize' must fit in the ${c.height} x ${c.width} image with "valid" padding, got ${c.kernelSize}.`);
  }
  checkSataeOptions(c, where);
  return c;
}

/**
 * Convolutional saturating autoencoder (SPEC §1.3, §3; seed 003 adapts the regulariser to
 * convolution layers):
 * - encoder: feature maps `z = conv2d(x, K) + b` (x: B x H x W x C, K: k x k x C x F, stride 1,
 *   "same" or "valid"), codes `h = f(z)`, f = satlin `clip(z, 0, 1)` or relu;
 * - decoder: `x_hat = g(conv2dTranspose(h, K) + c)` when tied, computed as the equivalent convolution
 *   with the flipped kernel (in/out channels swapped) padded by k - 1 - pad, which maps the
 *   feature maps back to H x W x C for either padding; untied, a convolution with its own kernel
 *   Kdec (k x k x F x C) padded the same way;
 * - loss: `(1/2B) sum_i ||x_hat_i - x_i||^2 + alpha * saturationPenalty(z) + (lambda/2) sum K^2`,
 *   the regulariser summed over every position of every feature map and averaged over the batch
 *   (one encoder layer, D_h = 1); `denoising` corrupts the encoder's input in training only.
 * Variables: "K", "b" (F), "c" (C) and, untied, "Kdec". Glorot-uniform kernels, zero biases.
 */
export class ConvSaturatingAutoencoder extends VariableModel<ConvSaturatingAutoencoderConfig> implements SataeTrainable {
  readonly kind = KIND;

  private constructor(config: ConvSaturatingAutoencoderConfig, variables: Record<string, tf.Variable>) {
    super(config, variables);
  }

  /** A freshly initialised model; see the class comment for the options and their defaults. */
  static create(options: ConvSaturatingAutoencoderOptions): ConvSaturatingAutoencoder {
    const config = resolveConfig(options, `${KIND}.create`);
    const { kernelSize: k, channels: ch, filters: f } = config;
    const rng = createRng(config.seed);
    const make = (t: tf.Tensor) => {
      const v = tf.variable(t, true);
      t.dispose();
      return v;
    };
    const variables: Record<string, tf.Variable> = {};
    variables.K = make(glorotUniform([k, k, ch, f], rng));
    variables.b = make(tf.zeros([f]));
    if (!config.tied) variables.Kdec = make(glorotUniform([k, k, f, ch], rng));
    variables.c = make(tf.zeros([ch]));
    return new ConvSaturatingAutoencoder(config, variables);
  }

  /** Reads a model written by `save(dir)` (weights and the initial snapshot of relativeChange). */
  static async load(target: string | tf.io.IOHandler): Promise<ConvSaturatingAutoencoder> {
    const { config, values, initial } = await VariableModel.readSaved(target, KIND);
    const c = resolveConfig(config as ConvSaturatingAutoencoderOptions, `${KIND}.load`);
    const variables: Record<string, tf.Variable> = {};
    for (const [name, t] of Object.entries(values)) {
      variables[name] = tf.variable(t, true);
      t.dispose();
    }
    const model = new ConvSaturatingAutoencoder(c, variables);
    model.restoreInitial(initial);
    return model;
  }

  /** Height x width of the feature maps. */
  get mapShape(): [number, number] {
    const { height: h, width: w, kernelSize: k, padding } = this.config;
    return padding === "same" ? [h, w] : [h - k + 1, w - k + 1];
  }

  private checkInput(x: unknown, where: string): asserts x is tf.Tensor {
    const { height, width, channels } = this.config;
    assertTensor(x, where, "x");
    assertRank(x, where, "x", 4, `B x ${height} x ${width} x ${channels}`);
    assertBatchSize(x, where, "x");
    if (x.shape[1] !== height || x.shape[2] !== width || x.shape[3] !== channels) {
      throw new SparsekitError(`${where}: argument 'x' must have shape [B, ${height}, ${width}, ${channels}], got ${shapeString(x.shape)}.`);
    }
    assertFinite(x, where, "x");
  }

  private param(params: Partial<Record<string, tf.Tensor>> | undefined, name: string): tf.Tensor4D | tf.Tensor1D {
    return (params?.[name] ?? this.variables[name]) as tf.Tensor4D | tf.Tensor1D;
  }

  /** Zero padding of the encoder on each side: (k - 1) / 2 for "same", 0 for "valid". */
  private get encoderPad(): number {
    return this.config.padding === "same" ? (this.config.kernelSize - 1) / 2 : 0;
  }

  private preActivationsWith(x: tf.Tensor, params?: Partial<Record<string, tf.Tensor>>): tf.Tensor4D {
    const conv = tf.conv2d(x as tf.Tensor4D, this.param(params, "K") as tf.Tensor4D, 1, spatialPad(this.encoderPad));
    return tf.add(conv, this.param(params, "b"));
  }

  private decodeWith(h: tf.Tensor, params?: Partial<Record<string, tf.Tensor>>): tf.Tensor4D {
    const { kernelSize: k, tied, decoderOutput } = this.config;
    // Tied: the adjoint of the encoder's convolution = a convolution with the flipped kernel, in and
    // out channels swapped, padded by k - 1 - pad (back to H x W). Untied: Kdec (k x k x F x C) there.
    const kernel = tied ? flipKernel(this.param(params, "K") as tf.Tensor4D) : (this.param(params, "Kdec") as tf.Tensor4D);
    const out = tf.add(tf.conv2d(h as tf.Tensor4D, kernel, 1, spatialPad(k - 1 - this.encoderPad)), this.param(params, "c")) as tf.Tensor4D;
    return decoderOutput === "sigmoid" ? tf.sigmoid(out) : out;
  }

  /** Encoder pre-activation maps z = conv2d(x, K) + b, B x H' x W' x F. */
  preActivations(x: tf.Tensor): tf.Tensor4D {
    this.checkInput(x, `${KIND}.preActivations`);
    return tf.tidy(() => this.preActivationsWith(tf.cast(x, "float32")));
  }

  /** Feature maps h = f(z), B x H' x W' x F. */
  encode(x: tf.Tensor): tf.Tensor4D {
    this.checkInput(x, `${KIND}.encode`);
    return tf.tidy(() => sataeActivate(this.preActivationsWith(tf.cast(x, "float32")), this.config.activation)) as tf.Tensor4D;
  }

  /** x_hat from feature maps h (B x H' x W' x F), B x H x W x C. */
  decode(h: tf.Tensor): tf.Tensor4D {
    const where = `${KIND}.decode`;
    const [mh, mw] = this.mapShape;
    const f = this.config.filters;
    assertTensor(h, where, "h");
    assertRank(h, where, "h", 4, `B x ${mh} x ${mw} x ${f}`);
    assertBatchSize(h, where, "h");
    if (h.shape[1] !== mh || h.shape[2] !== mw || h.shape[3] !== f) {
      throw new SparsekitError(`${where}: argument 'h' must have shape [B, ${mh}, ${mw}, ${f}], got ${shapeString(h.shape)}.`);
    }
    assertFinite(h, where, "h");
    return tf.tidy(() => this.decodeWith(tf.cast(h, "float32")));
  }

  /** decode(encode(x)) on the clean input, B x H x W x C. */
  reconstruct(x: tf.Tensor): tf.Tensor4D {
    this.checkInput(x, `${KIND}.reconstruct`);
    return tf.tidy(() => this.decodeWith(sataeActivate(this.preActivationsWith(tf.cast(x, "float32")), this.config.activation)));
  }

  /** Fraction of feature-map positions (all maps) on x in a saturated region (see saturatedFraction). */
  saturation(x: tf.Tensor): { total: number; low: number; high: number } {
    const z = this.preActivations(x);
    try {
      return saturatedFraction(z, this.config.activation);
    } finally {
      z.dispose();
    }
  }

  /**
   * The weighted loss terms on a batch x (B x H x W x C): `reconstruction` (1/2B) sum ||x_hat - x||^2,
   * `saturation` alpha * saturationPenalty(z) over every map position, and `weightDecay` when
   * lambda > 0. With `noiseSeed` and denoising on, the encoder sees the corrupted x. `params`
   * replaces variables by plain tensors (gradient checks). Call inside tf.tidy or dispose the terms.
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
      let sq = tf.sum(tf.square(this.param(options.params, "K")));
      if (!config.tied) sq = tf.add(sq, tf.sum(tf.square(this.param(options.params, "Kdec"))));
      terms.weightDecay = tf.mul(config.weightDecay / 2, sq) as tf.Scalar;
    }
    return terms;
  }

  /** Sum of {@link lossTerms} (no noise unless noiseSeed is given), as a number. */
  loss(x: tf.Tensor, options: { noiseSeed?: number } = {}): number {
    return tf.tidy(() => tf.addN(Object.values(this.lossTerms(x, options))).dataSync()[0]);
  }

  /** Trains on x (N x H x W x C) with Adam via train(); returns the per-epoch history. */
  fit(x: tf.Tensor, options: SataeFitOptions): Promise<TrainHistory> {
    this.checkInput(x, `${KIND}.fit`);
    return fitSatae(this, x, options, `${KIND}.fit`);
  }

  /** Encoder kernels as images for a grid: F x k x k x C. */
  encoderFilters(): tf.Tensor4D {
    return tf.tidy(() => tf.transpose(this.variables.K, [3, 0, 1, 2])) as tf.Tensor4D;
  }
}
