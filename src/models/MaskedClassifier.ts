import * as tf from "@tensorflow/tfjs";
import { writeFileAtomic } from "../io/atomicWrite.js";
import { getStorage } from "../io/storage.js";
import { BudgetConstraint, type BudgetConstraintState } from "../masks/BudgetConstraint.js";
import { applyGate, checkGateSpec, isStochasticGate, type GateSpec } from "../masks/maskGate.js";
import { maskStatistics, type MaskStatistics } from "../masks/maskStatistics.js";
import { hardConcreteExpectedL0 } from "../objectives/hardConcreteExpectedL0.js";
import { maskArea } from "../objectives/maskArea.js";
import { maskBinarization } from "../objectives/maskBinarization.js";
import { maskTotalVariation } from "../objectives/maskTotalVariation.js";
import { randomAffine } from "../data/randomAffine.js";
import { createRng, deriveSeed } from "../random/index.js";
import type { TrainHistory } from "../train/history.js";
import { glorotUniform, heNormal } from "../train/initializers.js";
import type { ProgressMode } from "../train/progress.js";
import { train, type CheckpointOptions } from "../train/train.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBooleanOption, assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertBatchSize, assertFinite, assertTensor, shapeString } from "../validation/tensorChecks.js";
import { upsampleNearest } from "./upsampleNearest.js";
import { VariableModel } from "./VariableModel.js";

/** Architecture of a {@link MaskedClassifier}: plain JSON, stored with the weights. */
export interface MaskedClassifierConfig {
  /** Image height and width (one grey channel). */
  height: number;
  width: number;
  /** Number of classes (>= 2). */
  classes: number;
  /** Feature maps of the attention branch's convolution. Default 8. */
  attentionChannels: number;
  /** Odd kernel size of that convolution. Default 5. */
  attentionKernel: number;
  /**
   * Further "same" convolutions of the attention branch (3 x 3 + ReLU), their output channels, between the first convolution and the
   * 1 x 1 logit layer: each widens what a logit sees by 2 pooled pixels. Default [] (one layer).
   */
  attentionFilters: number[];
  /** Average-pooling factor applied before the convolution (must divide height and width); the logits are upsampled back. Default 2. */
  attentionPool: number;
  /** Hidden ReLU units of the classifier branch's dense layer. Default 128. */
  hiddenUnits: number;
  /**
   * Conv blocks of the classifier branch (k x k "same" convolution + ReLU + 2 x 2 max-pool), their
   * output channels, before the dense layer, e.g. [16, 32]. Default [] (an MLP on the pixels).
   */
  classifierFilters: number[];
  /** Odd kernel size of those convolutions. Default 3. */
  classifierKernel: number;
  /** Initial mask logit of a blank image (the attention output bias times the gain). Default 0. */
  initialMaskLogit: number;
  /**
   * Gain g on the attention branch's output: m = g (w . features + b) + g pixelBias, with those
   * weights initialised divided by g so the initial logits do not depend on it. Under Adam (whose
   * steps do not scale with the gradient) the output weights, biases and pixel bias then move the
   * logits g times faster than with g = 1 (the first conv layer's effect is unchanged): a per-branch
   * learning rate, which the trainer's single optimizer cannot express.
   * Default 1.
   */
  attentionGain: number;
  /** The gate turning logits into the mask. */
  gate: GateSpec;
  /**
   * Test time only (deterministic gate): binarise the mask as M >= testThreshold (e.g. 0.5 for Hard
   * Concrete, whose deterministic gate is fractional where |log alpha| is small). null = as the gate gives it.
   */
  testThreshold: number | null;
  /**
   * Test time only: keep at most round(testMaxFraction * H * W) pixels per image, those with the
   * largest logits among the kept ones (a budget enforced per image). null = no cap.
   */
  testMaxFraction: number | null;
  /** Seed of the initial weights. */
  seed: number;
}

export type MaskedClassifierOptions = Partial<MaskedClassifierConfig> & Pick<MaskedClassifierConfig, "height" | "width" | "classes" | "gate">;

/** Output of {@link MaskedClassifier.forward}; the caller owns the tensors. */
export interface MaskedForward {
  /** Mask logits m, B x H x W x 1. */
  maskLogits: tf.Tensor4D;
  /** Gated mask M, B x H x W x 1, in [0, 1]. */
  mask: tf.Tensor4D;
  /** Class logits of the classifier on x * M, B x classes. */
  logits: tf.Tensor2D;
}

/** Weights of the mask penalties added to the cross-entropy (0 or absent = term left out). */
export interface MaskPenalties {
  /** w * maskArea(M) = w mean(M) — the seed's weighted sparsity term. */
  area?: number;
  /** w * maskBinarization(M) = w mean(M (1 - M)). */
  binarization?: number;
  /** w * maskTotalVariation(M). */
  totalVariation?: number;
  /** w * hardConcreteExpectedL0(m) (Hard Concrete gate only). */
  expectedL0?: number;
}

/** An area budget g <= target enforced by dual ascent; g is mean(M) ("area") or the expected L0 fraction ("expectedL0", Hard Concrete only). */
export interface MaskBudget {
  constraint: BudgetConstraint;
  on: "area" | "expectedL0";
}

/** One epoch of the dual variable: the multiplier at the end of the epoch and the mean constraint value over its batches. */
export interface MultiplierRecord {
  epoch: number;
  multiplier: number;
  constraint: number;
}

export interface MaskedFitOptions {
  epochs: number;
  /** Default 128. */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  learningRate?: number;
  penalties?: MaskPenalties;
  budget?: MaskBudget;
  /** Also update the classifier branch (default true); false trains the attention branch alone. */
  trainClassifier?: boolean;
  /** Epochs of classifier pretraining on full images before the joint training (default 0). */
  pretrainEpochs?: number;
  /** Seeds shuffling and the gate noise. Default: the model's seed. */
  seed?: number;
  /** Checkpoints of the joint training (the multiplier is saved beside them as budget.json). */
  checkpoint?: CheckpointOptions;
  resume?: boolean;
  progress?: ProgressMode;
  /** Called after each epoch with its record (terms averaged over the epoch). */
  onEpochEnd?: (record: MaskedEpochRecord) => void | Promise<void>;
  /** Called after each minibatch with a budget: the batch's constraint value g and the multiplier after its dual update. */
  onBudgetStep?: (info: { step: number; constraint: number; multiplier: number }) => void;
}

/** What {@link MaskedClassifier.fit} reports per epoch. */
export interface MaskedEpochRecord {
  epoch: number;
  loss: number;
  terms: Record<string, number>;
  /** Present when a budget is enforced. */
  multiplier?: number;
  constraint?: number;
}

export interface MaskedFitResult {
  history: TrainHistory;
  /** Per-epoch multiplier log (empty without a budget). */
  multipliers: MultiplierRecord[];
  pretrainHistory?: TrainHistory;
}

export interface PretrainOptions {
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  checkpoint?: CheckpointOptions;
  resume?: boolean;
  progress?: ProgressMode;
  /** Random affine augmentation of every training batch (shift px, rotation degrees, relative scale); absent = none. */
  augmentation?: { maxShift: number; maxRotation: number; maxScale: number };
}

/** Output of {@link MaskedClassifier.maskGradientProbe}: gradient norms of the two loss terms, on M and on the logits m. */
export interface MaskGradientProbe {
  crossEntropyOnMask: number;
  areaOnMask: number;
  crossEntropyOnLogits: number;
  areaOnLogits: number;
  /** Fraction of logits where the gate's slope dM/dm is non-zero. */
  gradientPassingFraction: number;
  /** mean(M) and mean(m) of the batch, and its cross-entropy. */
  area: number;
  meanLogit: number;
  crossEntropy: number;
}

/** Accuracy and mask summary on a labelled set (deterministic gate). */
export interface MaskedEvaluation extends MaskStatistics {
  accuracy: number;
}

const KIND = "MaskedClassifier";
const CONFIG_KEYS = [
  "height", "width", "classes", "attentionChannels", "attentionKernel", "attentionFilters", "attentionPool", "hiddenUnits", "classifierFilters", "classifierKernel", "initialMaskLogit", "attentionGain", "gate", "testThreshold", "testMaxFraction", "seed",
] as const;
const FIT_KNOWN = [
  "epochs", "batchSize", "learningRate", "penalties", "budget", "trainClassifier", "pretrainEpochs", "seed", "checkpoint", "resume",
  "progress", "onEpochEnd", "onBudgetStep",
] as const;
const PRETRAIN_KNOWN = ["epochs", "batchSize", "learningRate", "seed", "checkpoint", "resume", "progress", "augmentation"] as const;
const PENALTY_KEYS = ["area", "binarization", "totalVariation", "expectedL0"] as const;
const BUDGET_FILE = "budget.json";

/** Variable names of the attention branch of a config. */
function attentionNames(c: Pick<MaskedClassifierConfig, "attentionFilters">): string[] {
  const deeper = c.attentionFilters.flatMap((_, i) => [`attention.conv${i}.kernel`, `attention.conv${i}.bias`]);
  return ["attention.kernel", "attention.bias", ...deeper, "attention.output.kernel", "attention.output.bias", "attention.pixelBias"];
}
/** Shapes of a stack of k x k convolutions `${prefix}${i}.kernel` / `.bias` with the given output channels. */
function convStackShapes(prefix: string, filters: readonly number[], kernel: number, inChannels: number): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  filters.forEach((f, i) => {
    shapes[`${prefix}${i}.kernel`] = [kernel, kernel, i === 0 ? inChannels : filters[i - 1]!, f];
    shapes[`${prefix}${i}.bias`] = [f];
  });
  return shapes;
}
/** Kernel size of the attention branch's further convolutions. */
const ATTENTION_DEEP_KERNEL = 3;
/** Shapes of both convolution stacks of a config (the classifier's blocks, the attention branch's further layers). */
function convStacks(c: MaskedClassifierConfig): Record<string, number[]> {
  return {
    ...convStackShapes("classifier.conv", c.classifierFilters, c.classifierKernel, 1),
    ...convStackShapes("attention.conv", c.attentionFilters, ATTENTION_DEEP_KERNEL, c.attentionChannels),
  };
}
/** Variable names of the classifier branch of a config: conv blocks (if any), dense hidden layer, output layer. */
function classifierNames(c: Pick<MaskedClassifierConfig, "classifierFilters">): string[] {
  const conv = c.classifierFilters.flatMap((_, i) => [`classifier.conv${i}.kernel`, `classifier.conv${i}.bias`]);
  return [...conv, "classifier.hidden.kernel", "classifier.hidden.bias", "classifier.output.kernel", "classifier.output.bias"];
}

/** Side after n 2 x 2 max-pools with "same" padding. */
const pooledSide = (side: number, n: number) => {
  let s = side;
  for (let i = 0; i < n; i++) s = Math.ceil(s / 2);
  return s;
};

function resolveConfig(options: unknown, where: string): MaskedClassifierConfig {
  if (options === null || typeof options !== "object") throw new SparsekitError(`${where}: argument 'config' must be an object, got ${String(options)}.`);
  assertKnownOptions(options, where, CONFIG_KEYS);
  const o = options as Partial<MaskedClassifierConfig>;
  const c: MaskedClassifierConfig = {
    height: o.height as number,
    width: o.width as number,
    classes: o.classes as number,
    attentionChannels: o.attentionChannels ?? 8,
    attentionKernel: o.attentionKernel ?? 5,
    attentionFilters: o.attentionFilters ?? [],
    attentionPool: o.attentionPool ?? 2,
    hiddenUnits: o.hiddenUnits ?? 128,
    classifierFilters: o.classifierFilters ?? [],
    classifierKernel: o.classifierKernel ?? 3,
    initialMaskLogit: o.initialMaskLogit ?? 0,
    attentionGain: o.attentionGain ?? 1,
    gate: o.gate as GateSpec,
    testThreshold: o.testThreshold ?? null,
    testMaxFraction: o.testMaxFraction ?? null,
    seed: o.seed ?? 0,
  };
  assertNumberOption(c.height, where, "height", { integer: true, min: 1 });
  assertNumberOption(c.width, where, "width", { integer: true, min: 1 });
  assertNumberOption(c.classes, where, "classes", { integer: true, min: 2 });
  assertNumberOption(c.attentionChannels, where, "attentionChannels", { integer: true, min: 1 });
  assertNumberOption(c.attentionKernel, where, "attentionKernel", { integer: true, min: 1 });
  if (c.attentionKernel % 2 !== 1) throw new SparsekitError(`${where}: option 'attentionKernel' must be odd (centred "same" convolution), got ${c.attentionKernel}.`);
  if (!Array.isArray(c.attentionFilters)) throw new SparsekitError(`${where}: option 'attentionFilters' must be an array of channel counts, got ${String(c.attentionFilters)}.`);
  c.attentionFilters.forEach((f, i) => assertNumberOption(f, where, `attentionFilters[${i}]`, { integer: true, min: 1 }));
  assertNumberOption(c.attentionPool, where, "attentionPool", { integer: true, min: 1 });
  if (c.height % c.attentionPool !== 0 || c.width % c.attentionPool !== 0) {
    throw new SparsekitError(`${where}: option 'attentionPool' must divide height ${c.height} and width ${c.width}, got ${c.attentionPool}.`);
  }
  assertNumberOption(c.hiddenUnits, where, "hiddenUnits", { integer: true, min: 1 });
  if (!Array.isArray(c.classifierFilters)) throw new SparsekitError(`${where}: option 'classifierFilters' must be an array of channel counts, got ${String(c.classifierFilters)}.`);
  c.classifierFilters.forEach((f, i) => assertNumberOption(f, where, `classifierFilters[${i}]`, { integer: true, min: 1 }));
  assertNumberOption(c.classifierKernel, where, "classifierKernel", { integer: true, min: 1 });
  if (c.classifierKernel % 2 !== 1) throw new SparsekitError(`${where}: option 'classifierKernel' must be odd, got ${c.classifierKernel}.`);
  assertNumberOption(c.initialMaskLogit, where, "initialMaskLogit");
  assertNumberOption(c.attentionGain, where, "attentionGain", { min: 0, exclusiveMin: true });
  assertNumberOption(c.seed, where, "seed", { integer: true, min: 0 });
  if (c.testThreshold !== null) assertNumberOption(c.testThreshold, where, "testThreshold", { min: 0, max: 1, exclusiveMin: true });
  if (c.testMaxFraction !== null) assertNumberOption(c.testMaxFraction, where, "testMaxFraction", { min: 0, max: 1, exclusiveMin: true });
  checkGateSpec(c.gate, where, c.height * c.width);
  return { ...c, attentionFilters: [...c.attentionFilters], classifierFilters: [...c.classifierFilters], gate: { ...c.gate } as GateSpec };
}

/**
 * Classifier with a learned binary attention mask (SPEC §1.6, seed 000):
 *
 *   m = A(x) (mask logits, H x W x 1),  M = gate(m),  logits = C(x * M).
 *
 * Attention branch A: x is average-pooled by `attentionPool`, a k x k "same" convolution with
 * `attentionChannels` ReLU maps, the 3 x 3 ReLU convolutions of `attentionFilters` (if any) and a
 * 1 x 1 convolution give one logit per pooled pixel, which is
 * upsampled (nearest) to H x W, plus a learned per-pixel bias (a position prior, which a pure
 * convolution cannot express), times a constant gain (see `attentionGain`). The k x k kernel is
 * stored as a (k k) x channels matrix (row r k + c: tap (r, c)).
 * Classifier branch C: an MLP on the flattened masked image (one ReLU layer, softmax output).
 * Gates: src/masks (hard sigmoid, straight-through, Hard Concrete, Gumbel top-k).
 * Built on raw tf.Variables (VariableModel): seeded init (He normal for ReLU layers, Glorot for
 * the logit layers, zero biases), save/load, relativeChange.
 */
export class MaskedClassifier extends VariableModel<MaskedClassifierConfig> {
  readonly kind = KIND;

  private constructor(config: MaskedClassifierConfig, variables: Record<string, tf.Variable>) {
    super(config, variables);
  }

  /** The expected shape of every variable for a config. */
  private static shapes(c: MaskedClassifierConfig): Record<string, number[]> {
    const k2 = c.attentionKernel * c.attentionKernel;
    const n = c.classifierFilters.length;
    const flat = n === 0 ? c.height * c.width : pooledSide(c.height, n) * pooledSide(c.width, n) * c.classifierFilters[n - 1]!;
    const attentionOut = c.attentionFilters.at(-1) ?? c.attentionChannels;
    return {
      ...convStacks(c),
      "attention.kernel": [k2, c.attentionChannels],
      "attention.bias": [c.attentionChannels],
      "attention.output.kernel": [attentionOut, 1],
      "attention.output.bias": [1],
      "attention.pixelBias": [c.height, c.width, 1],
      "classifier.hidden.kernel": [flat, c.hiddenUnits],
      "classifier.hidden.bias": [c.hiddenUnits],
      "classifier.output.kernel": [c.hiddenUnits, c.classes],
      "classifier.output.bias": [c.classes],
    };
  }

  /** New model with seeded weights. */
  static create(options: MaskedClassifierOptions): MaskedClassifier {
    const c = resolveConfig(options, `${KIND}.create`);
    const shapes = MaskedClassifier.shapes(c);
    const rng = createRng(c.seed, `${KIND}.create`);
    const init: Record<string, () => tf.Tensor> = {
      // Convolution stacks (ReLU after each): He normal kernels, zero biases.
      ...Object.fromEntries(
        Object.entries(convStacks(c)).map(([name, shape]) => [name, () => (name.endsWith(".kernel") ? heNormal(shape, rng) : tf.zeros(shape))]),
      ),
      "attention.kernel": () => heNormal(shapes["attention.kernel"], rng),
      "attention.bias": () => tf.zeros(shapes["attention.bias"]),
      "attention.output.kernel": () => tf.tidy(() => tf.div(glorotUniform(shapes["attention.output.kernel"], rng), c.attentionGain)),
      "attention.output.bias": () => tf.fill([1], c.initialMaskLogit / c.attentionGain),
      "attention.pixelBias": () => tf.zeros(shapes["attention.pixelBias"]),
      "classifier.hidden.kernel": () => heNormal(shapes["classifier.hidden.kernel"], rng),
      "classifier.hidden.bias": () => tf.zeros(shapes["classifier.hidden.bias"]),
      "classifier.output.kernel": () => glorotUniform(shapes["classifier.output.kernel"], rng),
      "classifier.output.bias": () => tf.zeros(shapes["classifier.output.bias"]),
    };
    const vars: Record<string, tf.Variable> = {};
    for (const name of [...attentionNames(c), ...classifierNames(c)]) {
      const t = init[name]();
      vars[name] = tf.variable(t, true);
      t.dispose();
    }
    return new MaskedClassifier(c, vars);
  }

  /** Reads a model written by `save(dir)`. */
  static async load(target: string | tf.io.IOHandler): Promise<MaskedClassifier> {
    const { config, values, initial } = await VariableModel.readSaved(target, KIND);
    const vars: Record<string, tf.Variable> = {};
    try {
      const c = resolveConfig(config, `${KIND}.load`);
      for (const [name, shape] of Object.entries(MaskedClassifier.shapes(c))) {
        const t = values[name];
        if (!t || t.shape.join(",") !== shape.join(",")) {
          throw new SparsekitError(`${KIND}.load: '${String(target)}' must hold variable '${name}' of shape ${shapeString(shape)}, got ${t ? shapeString(t.shape) : "none"}.`);
        }
        vars[name] = tf.variable(t, true);
      }
      const model = new MaskedClassifier(c, vars);
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

  /** Variables of the attention branch (mask logits), by name. */
  attentionVariables(): Record<string, tf.Variable> {
    return Object.fromEntries(attentionNames(this.config).map((n) => [n, this.variables[n]]));
  }

  /** Variables of the classifier branch, by name. */
  classifierVariables(): Record<string, tf.Variable> {
    return Object.fromEntries(classifierNames(this.config).map((n) => [n, this.variables[n]]));
  }

  /**
   * Copies the classifier branch of `other` (same height, width, classes, hiddenUnits) into this
   * model, e.g. a classifier pretrained once and shared by several masked models, then re-takes
   * the initial snapshot so relativeChange measures the joint training only.
   */
  copyClassifierFrom(other: MaskedClassifier): void {
    if (!(other instanceof MaskedClassifier)) throw new SparsekitError(`${KIND}.copyClassifierFrom: argument 'other' must be a MaskedClassifier.`);
    if (other.config.classifierFilters.join(",") !== this.config.classifierFilters.join(",")) {
      throw new SparsekitError(`${KIND}.copyClassifierFrom: classifierFilters must match, got [${other.config.classifierFilters}] vs [${this.config.classifierFilters}].`);
    }
    for (const name of classifierNames(this.config)) {
      const src = other.variables[name];
      const dst = this.variables[name];
      if (src.shape.join(",") !== dst.shape.join(",")) {
        throw new SparsekitError(`${KIND}.copyClassifierFrom: variable '${name}' must have shape ${shapeString(dst.shape)}, got ${shapeString(src.shape)}.`);
      }
      dst.assign(src);
    }
    this.snapshotInitial();
  }

  /** x as B x H x W x 1 (accepts B x H W or B x H x W x 1); shape and batch validated (finiteness is checked once per data set in checkData). */
  private images(x: unknown, where: string): tf.Tensor4D {
    const { height: h, width: w } = this.config;
    assertTensor(x, where, "x");
    const ok = (x.rank === 2 && x.shape[1] === h * w) || (x.rank === 4 && x.shape[1] === h && x.shape[2] === w && x.shape[3] === 1);
    if (!ok) {
      throw new SparsekitError(`${where}: argument 'x' must have shape [B, ${h * w}] or [B, ${h}, ${w}, 1], got ${shapeString(x.shape)}.`);
    }
    assertBatchSize(x, where, "x");
    return tf.tidy(() => tf.reshape(tf.cast(x, "float32"), [x.shape[0], h, w, 1]));
  }

  /** Mask logits m = A(x), B x H x W x 1 (no gate). The caller owns the result. */
  maskLogits(x: tf.Tensor): tf.Tensor4D {
    const { attentionKernel: k, attentionPool: p, height, width } = this.config;
    const v = this.variables;
    return tf.tidy(() => {
      const img = this.images(x, `${KIND}.maskLogits`);
      const b = img.shape[0];
      const pooled = p > 1 ? tf.avgPool(img, p, p, "valid") : img;
      const [, ph, pw] = pooled.shape;
      const kernel = tf.reshape(v["attention.kernel"], [k, k, 1, this.config.attentionChannels]) as tf.Tensor4D;
      let features = tf.relu(tf.add(tf.conv2d(pooled, kernel, 1, "same"), v["attention.bias"])) as tf.Tensor4D;
      this.config.attentionFilters.forEach((_, i) => {
        features = tf.relu(tf.add(tf.conv2d(features, v[`attention.conv${i}.kernel`] as tf.Tensor4D, 1, "same"), v[`attention.conv${i}.bias`]!)) as tf.Tensor4D;
      });
      const hidden = tf.reshape(features, [b * ph * pw, features.shape[3]]);
      const low = tf.reshape(tf.add(tf.matMul(hidden as tf.Tensor2D, v["attention.output.kernel"] as tf.Tensor2D), v["attention.output.bias"]), [b, ph, pw, 1]);
      const up = p > 1 ? upsampleNearest(low as tf.Tensor4D, height, width) : low;
      const raw = tf.add(up, v["attention.pixelBias"]);
      return (this.config.attentionGain === 1 ? raw : tf.mul(raw, this.config.attentionGain)) as tf.Tensor4D;
    });
  }

  /** Class logits of the classifier branch on (already masked) images, B x classes. */
  classify(xMasked: tf.Tensor): tf.Tensor2D {
    const v = this.variables;
    return tf.tidy(() => {
      const img = this.images(xMasked, `${KIND}.classify`);
      let features: tf.Tensor4D = img;
      this.config.classifierFilters.forEach((_, i) => {
        const z = tf.add(tf.conv2d(features, v[`classifier.conv${i}.kernel`] as tf.Tensor4D, 1, "same"), v[`classifier.conv${i}.bias`]!);
        features = tf.maxPool(tf.relu(z) as tf.Tensor4D, 2, 2, "same");
      });
      const flat = tf.reshape(features, [img.shape[0], -1]);
      const h = tf.relu(tf.add(tf.matMul(flat, v["classifier.hidden.kernel"] as tf.Tensor2D), v["classifier.hidden.bias"]));
      return tf.add(tf.matMul(h as tf.Tensor2D, v["classifier.output.kernel"] as tf.Tensor2D), v["classifier.output.bias"]) as tf.Tensor2D;
    });
  }

  /**
   * Full forward pass: logits m, mask M = gate(m), class logits C(x * M). With `training`, a
   * stochastic gate draws its noise from `seed` (required then); otherwise the gate is
   * deterministic. The caller owns the tensors (use inside tf.tidy).
   */
  forward(x: tf.Tensor, opts: { training?: boolean; seed?: number; raw?: boolean } = {}): MaskedForward {
    const training = opts.training ?? false;
    if (training && isStochasticGate(this.config.gate) && opts.seed === undefined) {
      throw new SparsekitError(`${KIND}.forward: option 'seed' is required when training with the ${this.config.gate.kind} gate (the noise must be reproducible).`);
    }
    const img = this.images(x, `${KIND}.forward`);
    const maskLogits = this.maskLogits(img);
    const gated = applyGate(this.config.gate, maskLogits, { training, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) }) as tf.Tensor4D;
    const mask = training ? gated : this.testMask(gated, maskLogits, opts.raw ?? false);
    const logits = this.classify(tf.mul(img, mask));
    return { maskLogits, mask, logits };
  }

  /**
   * The test-time mask from the deterministic gate's output: thresholded at `testThreshold` and
   * capped to the `testMaxFraction` largest logits per image, where configured (`raw` = neither).
   */
  private testMask(gated: tf.Tensor4D, logits: tf.Tensor4D, raw: boolean): tf.Tensor4D {
    const { testThreshold: t, testMaxFraction: f, height, width } = this.config;
    if (raw || (t === null && f === null)) return gated;
    return tf.tidy(() => {
      let m: tf.Tensor4D = t === null ? gated : (tf.cast(tf.greaterEqual(gated, t), "float32") as tf.Tensor4D);
      if (f !== null) {
        const b = m.shape[0];
        const k = Math.max(1, Math.round(f * height * width));
        const flat = tf.reshape(logits, [b, height * width]);
        // Exactly the k largest (ties broken by topk's order), not every logit >= the k-th value.
        const { indices } = tf.topk(flat, k, true);
        const keep = tf.reshape(tf.sum(tf.oneHot(indices, height * width), 1), [b, height, width, 1]);
        m = tf.mul(m, keep) as tf.Tensor4D;
      }
      return m;
    });
  }

  /**
   * Where the mask's gradients come from, on a batch (x, y) under the deterministic gate: the
   * L2 norms of d CE / d M and d (w mean(M)) / d M (on the mask values), of the same two on the
   * logits m (through the gate), and the fraction of logits where the gate passes a gradient
   * (dM/dm != 0). With the hard sigmoid, once every logit is below -2.5 both logit gradients are
   * zero: the empty mask is a dead end no loss can leave.
   */
  maskGradientProbe(x: tf.Tensor, y: tf.Tensor, areaWeight: number): MaskGradientProbe {
    const where = `${KIND}.maskGradientProbe`;
    assertNumberOption(areaWeight, where, "areaWeight", { min: 0 });
    const img = this.images(x, where);
    try {
      const vals = tf.tidy(() => {
        const m = this.maskLogits(img);
        const gate = (l: tf.Tensor) => applyGate(this.config.gate, l as tf.Tensor4D, { training: false }) as tf.Tensor4D;
        const ce = (mask: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, this.classify(tf.mul(img, mask))) as tf.Scalar;
        const area = (mask: tf.Tensor) => tf.mul(areaWeight, maskArea(mask as tf.Tensor4D)) as tf.Scalar;
        const mask = gate(m);
        const gOnMaskCe = tf.grad(ce)(mask);
        const gOnMaskArea = tf.grad(area)(mask);
        const gOnLogitCe = tf.grad((l: tf.Tensor) => ce(gate(l)))(m);
        const gOnLogitArea = tf.grad((l: tf.Tensor) => area(gate(l)))(m);
        const gateSlope = tf.grad((l: tf.Tensor) => tf.sum(gate(l)))(m);
        return [
          tf.norm(gOnMaskCe),
          tf.norm(gOnMaskArea),
          tf.norm(gOnLogitCe),
          tf.norm(gOnLogitArea),
          tf.mean(tf.cast(tf.notEqual(gateSlope, 0), "float32")),
          tf.mean(mask),
          tf.mean(m),
          ce(mask),
        ];
      });
      const n = vals.map((t) => t.dataSync()[0]!);
      tf.dispose(vals);
      return {
        crossEntropyOnMask: n[0]!,
        areaOnMask: n[1]!,
        crossEntropyOnLogits: n[2]!,
        areaOnLogits: n[3]!,
        gradientPassingFraction: n[4]!,
        area: n[5]!,
        meanLogit: n[6]!,
        crossEntropy: n[7]!,
      };
    } finally {
      img.dispose();
    }
  }

  /** Deterministic masks of `x` (test-time gate), B x H x W x 1, computed in batches; `raw` skips testThreshold / testMaxFraction. */
  masks(x: tf.Tensor, batchSize = 500, opts: { raw?: boolean } = {}): tf.Tensor4D {
    const img = this.images(x, `${KIND}.masks`);
    try {
      const parts: tf.Tensor[] = [];
      for (let i = 0; i < img.shape[0]; i += batchSize) {
        parts.push(
          tf.tidy(() => {
            const xb = tf.slice(img, [i, 0, 0, 0], [Math.min(batchSize, img.shape[0] - i), -1, -1, -1]);
            const logits = this.maskLogits(xb);
            return this.testMask(applyGate(this.config.gate, logits, { training: false }) as tf.Tensor4D, logits, opts.raw ?? false);
          }),
        );
      }
      const out = tf.concat(parts, 0) as tf.Tensor4D;
      tf.dispose(parts);
      return out;
    } finally {
      img.dispose();
    }
  }

  /**
   * Accuracy of the classifier branch alone on the images as given (no attention, no gate), e.g.
   * full images, or images under a fixed baseline mask. `labels` are integer classes.
   */
  classifierAccuracy(x: tf.Tensor, labels: ArrayLike<number>, batchSize = 500): number {
    const where = `${KIND}.classifierAccuracy`;
    const img = this.images(x, where);
    const n = img.shape[0];
    try {
      if (labels == null || labels.length !== n) {
        throw new SparsekitError(`${where}: argument 'labels' must hold ${n} classes (one per sample), got ${labels == null ? String(labels) : `length ${labels.length}`}.`);
      }
      let hits = 0;
      for (let i = 0; i < n; i += batchSize) {
        const size = Math.min(batchSize, n - i);
        const p = tf.tidy(() => tf.argMax(this.classify(tf.slice(img, [i, 0, 0, 0], [size, -1, -1, -1])), 1).dataSync());
        for (let j = 0; j < size; j++) if (p[j] === labels[i + j]) hits++;
      }
      return hits / n;
    } finally {
      img.dispose();
    }
  }

  /**
   * Gradient saliency of the classifier branch on full images: |d z_c / d x| per pixel, with c
   * the class the classifier predicts (the label is not used, so the map is available at test
   * time). B x H x W x 1, computed in batches; the caller owns it.
   */
  inputSaliency(x: tf.Tensor, batchSize = 500): tf.Tensor4D {
    const img = this.images(x, `${KIND}.inputSaliency`);
    const parts: tf.Tensor[] = [];
    try {
      for (let i = 0; i < img.shape[0]; i += batchSize) {
        parts.push(
          tf.tidy(() => {
            const xb = tf.slice(img, [i, 0, 0, 0], [Math.min(batchSize, img.shape[0] - i), -1, -1, -1]);
            const predicted = tf.oneHot(tf.argMax(this.classify(xb), 1), this.config.classes);
            const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(this.classify(input), predicted)))(xb);
            return tf.abs(grad);
          }),
        );
      }
      return tf.concat(parts, 0) as tf.Tensor4D;
    } finally {
      tf.dispose(parts);
      img.dispose();
    }
  }

  /**
   * Test accuracy and mask statistics (deterministic gate), in batches. `labels` are integer
   * classes, one per sample.
   */
  evaluate(x: tf.Tensor, labels: ArrayLike<number>, batchSize = 500): MaskedEvaluation {
    const where = `${KIND}.evaluate`;
    const img = this.images(x, where);
    const n = img.shape[0];
    if (labels == null || labels.length !== n) {
      img.dispose();
      throw new SparsekitError(`${where}: argument 'labels' must hold ${n} classes (one per sample), got ${labels == null ? String(labels) : `length ${labels.length}`}.`);
    }
    let hits = 0;
    const maskParts: tf.Tensor[] = [];
    try {
      for (let i = 0; i < n; i += batchSize) {
        const size = Math.min(batchSize, n - i);
        const [pred, mask] = tf.tidy(() => {
          const xb = tf.slice(img, [i, 0, 0, 0], [size, -1, -1, -1]);
          const out = this.forward(xb);
          return [tf.argMax(out.logits, 1), out.mask];
        });
        const p = pred.dataSync();
        pred.dispose();
        for (let j = 0; j < size; j++) if (p[j] === labels[i + j]) hits++;
        maskParts.push(mask);
      }
      const all = tf.concat(maskParts, 0);
      const stats = maskStatistics(all);
      all.dispose();
      return { accuracy: hits / n, ...stats };
    } finally {
      tf.dispose(maskParts);
      img.dispose();
    }
  }

  /**
   * The loss terms of one batch: `crossEntropy` (softmax cross-entropy of C(x * M)), the weighted
   * penalties with weight > 0 (`area`, `binarization`, `totalVariation`, `expectedL0`) and, with
   * a budget, `budget` = lambda (g - target). Also returns the constraint value g (a scalar the
   * caller owns) for the dual update.
   */
  lossTerms(
    x: tf.Tensor,
    y: tf.Tensor,
    opts: { penalties?: MaskPenalties; budget?: MaskBudget; training?: boolean; seed?: number } = {},
  ): { terms: Record<string, tf.Scalar>; constraint?: tf.Scalar } {
    const out = this.forward(x, { training: opts.training ?? true, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
    const terms: Record<string, tf.Scalar> = { crossEntropy: tf.losses.softmaxCrossEntropy(y, out.logits) as tf.Scalar };
    const p = opts.penalties ?? {};
    const l0 = () => hardConcreteExpectedL0(out.maskLogits, this.hardConcreteParams());
    if (p.area) terms.area = tf.mul(p.area, maskArea(out.mask)) as tf.Scalar;
    if (p.binarization) terms.binarization = tf.mul(p.binarization, maskBinarization(out.mask)) as tf.Scalar;
    if (p.totalVariation) terms.totalVariation = tf.mul(p.totalVariation, maskTotalVariation(out.mask)) as tf.Scalar;
    if (p.expectedL0) terms.expectedL0 = tf.mul(p.expectedL0, l0()) as tf.Scalar;
    let constraint: tf.Scalar | undefined;
    if (opts.budget) {
      constraint = opts.budget.on === "expectedL0" ? l0() : maskArea(out.mask);
      terms.budget = opts.budget.constraint.term(constraint);
    }
    return { terms, ...(constraint ? { constraint } : {}) };
  }

  private hardConcreteParams(): Record<string, number> {
    const g = this.config.gate;
    if (g.kind !== "hardConcrete") {
      throw new SparsekitError(`${KIND}: the expected L0 needs the hardConcrete gate, this model uses "${g.kind}".`);
    }
    const { kind: _k, ...params } = g;
    return params as Record<string, number>;
  }

  private checkData(data: unknown, where: string): { x: tf.Tensor; y: tf.Tensor } {
    if (data === null || typeof data !== "object") throw new SparsekitError(`${where}: argument 'data' must be { x, y }.`);
    const { x, y } = data as { x: tf.Tensor; y: tf.Tensor };
    this.images(x, where).dispose();
    assertFinite(x, where, "data.x");
    assertTensor(y, where, "data.y");
    if (y.rank !== 2 || y.shape[0] !== x.shape[0] || y.shape[1] !== this.config.classes) {
      throw new SparsekitError(`${where}: argument 'data.y' must be one-hot labels of shape [${x.shape[0]}, ${this.config.classes}], got ${shapeString(y.shape)}.`);
    }
    return { x, y };
  }

  /**
   * Pretrains the classifier branch alone on full images (M = 1): Adam on the cross-entropy,
   * through the generic seeded trainer (checkpoints/resume).
   */
  async pretrainClassifier(data: { x: tf.Tensor; y: tf.Tensor }, options: PretrainOptions): Promise<TrainHistory> {
    const where = `${KIND}.pretrainClassifier`;
    assertKnownOptions(options, where, PRETRAIN_KNOWN);
    const { x, y } = this.checkData(data, where);
    const lr = options.learningRate ?? 1e-3;
    assertNumberOption(lr, where, "learningRate", { min: 0, exclusiveMin: true });
    const aug = options.augmentation;
    if (aug !== undefined) {
      assertKnownOptions(aug, `${where} augmentation`, ["maxShift", "maxRotation", "maxScale"]);
      for (const k of ["maxShift", "maxRotation", "maxScale"] as const) assertNumberOption(aug[k], where, `augmentation.${k}`, { min: 0 });
    }
    return train({
      variables: this.classifierVariables(),
      data: { x, y },
      epochs: options.epochs,
      batchSize: options.batchSize ?? 128,
      optimizer: { name: "adam", learningRate: lr },
      seed: options.seed ?? deriveSeed(this.config.seed, "pretrain"),
      lossTerms: (batch, ctx) => {
        const input = aug ? randomAffine(this.images(batch.x, where), { seed: ctx.seed, ...aug }) : batch.x;
        return { crossEntropy: tf.losses.softmaxCrossEntropy(batch.y!, this.classify(input)) as tf.Scalar };
      },
      ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
      ...(options.resume !== undefined ? { resume: options.resume } : {}),
      progress: options.progress ?? "none",
      checkFinite: "terms",
      config: { model: this.config, phase: "pretrain", learningRate: lr, augmentation: aug ?? null } as Record<string, unknown>,
    });
  }

  /**
   * Joint training of both branches on `CE(y, C(x * M)) + penalties (+ lambda (g - target))` with
   * Adam. With a budget, the multiplier takes one dual-ascent step per minibatch on that batch's
   * g (BudgetConstraint.update) and is logged per epoch; with a checkpoint, its per-epoch state is
   * saved as budget.json so a resumed run restores it. `pretrainEpochs` > 0 first pretrains the
   * classifier on full images.
   */
  async fit(data: { x: tf.Tensor; y: tf.Tensor }, options: MaskedFitOptions): Promise<MaskedFitResult> {
    const where = `${KIND}.fit`;
    assertKnownOptions(options, where, FIT_KNOWN);
    const { x, y } = this.checkData(data, where);
    const lr = options.learningRate ?? 1e-3;
    assertNumberOption(lr, where, "learningRate", { min: 0, exclusiveMin: true });
    const trainClassifier = options.trainClassifier ?? true;
    assertBooleanOption(trainClassifier, where, "trainClassifier");
    const pretrainEpochs = options.pretrainEpochs ?? 0;
    assertNumberOption(pretrainEpochs, where, "pretrainEpochs", { integer: true, min: 0 });
    const penalties = options.penalties ?? {};
    assertKnownOptions(penalties, `${where} penalties`, PENALTY_KEYS);
    for (const k of PENALTY_KEYS) if (penalties[k] !== undefined) assertNumberOption(penalties[k], where, `penalties.${k}`, { min: 0 });
    if (penalties.expectedL0) this.hardConcreteParams();
    const budget = options.budget;
    if (budget !== undefined) {
      if (budget === null || typeof budget !== "object" || !(budget.constraint instanceof BudgetConstraint)) {
        throw new SparsekitError(`${where}: option 'budget' must be { constraint: BudgetConstraint, on: "area" | "expectedL0" }.`);
      }
      assertKnownOptions(budget, `${where} budget`, ["constraint", "on"]);
      assertEnumOption(budget.on, where, "budget.on", ["area", "expectedL0"] as const);
      if (budget.on === "expectedL0") this.hardConcreteParams();
    }
    const seed = options.seed ?? this.config.seed;
    assertNumberOption(seed, where, "seed", { integer: true, min: 0 });

    let pretrainHistory: TrainHistory | undefined;
    // Checkpoint paths (pretraining, the dual variables) live in the installed storage.
    const storage = options.checkpoint ? getStorage("MaskedClassifier.fit") : undefined;
    if (pretrainEpochs > 0) {
      pretrainHistory = await this.pretrainClassifier(
        { x, y },
        {
          epochs: pretrainEpochs,
          batchSize: options.batchSize ?? 128,
          learningRate: lr,
          seed: deriveSeed(seed, "pretrain"),
          ...(options.checkpoint ? { checkpoint: { ...options.checkpoint, dir: storage!.join(options.checkpoint.dir, "pretrain") } } : {}),
          ...(options.resume !== undefined ? { resume: options.resume } : {}),
          progress: options.progress ?? "none",
        },
      );
    }

    // Dual variable: per-epoch states saved beside the checkpoints, restored lazily at the first
    // step (whose epoch tells which checkpoint the trainer resumed from).
    const budgetFile = options.checkpoint ? storage!.join(options.checkpoint.dir, BUDGET_FILE) : undefined;
    let savedStates: Record<string, BudgetConstraintState> = {};
    if (budget && budgetFile && options.resume) {
      try {
        savedStates = JSON.parse(await storage!.readText(budgetFile)) as Record<string, BudgetConstraintState>;
      } catch {
        savedStates = {};
      }
    }
    let restored = false;
    const restoreFor = (epochsDone: number) => {
      if (restored || !budget) return;
      restored = true;
      const s = savedStates[String(epochsDone)];
      if (s) budget.constraint.restore(s);
    };

    const multipliers: MultiplierRecord[] = [];
    let pending: tf.Scalar | undefined;
    let constraintSum = 0;
    let constraintCount = 0;
    const variables = trainClassifier ? this.variables : this.attentionVariables();
    try {
      const history = await train({
        variables,
        data: { x, y },
        epochs: options.epochs,
        batchSize: options.batchSize ?? 128,
        optimizer: { name: "adam", learningRate: lr },
        seed,
        lossTerms: (batch, ctx) => {
          restoreFor(ctx.epoch - 1);
          const { terms, constraint } = this.lossTerms(batch.x, batch.y!, { penalties, ...(budget ? { budget } : {}), training: true, seed: ctx.seed });
          if (constraint) {
            pending?.dispose();
            pending = tf.keep(constraint);
          }
          return terms;
        },
        callbacks: {
          onBatchEnd: (info) => {
            if (!budget || !pending) return;
            const g = pending.dataSync()[0];
            pending.dispose();
            pending = undefined;
            const multiplier = budget.constraint.update(g);
            constraintSum += g;
            constraintCount++;
            options.onBudgetStep?.({ step: info.step, constraint: g, multiplier });
          },
          onEpochEnd: async (record) => {
            const out: MaskedEpochRecord = { epoch: record.epoch, loss: record.loss, terms: { ...record.terms } };
            if (budget) {
              const m: MultiplierRecord = {
                epoch: record.epoch,
                multiplier: budget.constraint.multiplier,
                constraint: constraintCount ? constraintSum / constraintCount : NaN,
              };
              multipliers.push(m);
              out.multiplier = m.multiplier;
              out.constraint = m.constraint;
              constraintSum = 0;
              constraintCount = 0;
              if (budgetFile) {
                savedStates[String(record.epoch)] = budget.constraint.state();
                await writeFileAtomic(budgetFile, `${JSON.stringify(savedStates, null, 2)}\n`);
              }
            }
            await options.onEpochEnd?.(out);
          },
        },
        ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
        ...(options.resume !== undefined ? { resume: options.resume } : {}),
        progress: options.progress ?? "none",
        checkFinite: "terms",
        config: { model: this.config, phase: "joint", penalties, budget: budget ? { target: budget.constraint.target, stepSize: budget.constraint.stepSize, on: budget.on } : null, learningRate: lr } as Record<string, unknown>,
      });
      // A resumed run that had already finished takes no step: restore the last saved multiplier.
      if (budget && !restored) restoreFor(history.epochs.length);
      return { history, multipliers, ...(pretrainHistory ? { pretrainHistory } : {}) };
    } finally {
      pending?.dispose();
    }
  }
}
