import * as tf from "@tensorflow/tfjs";
import { getObjective, type ObjectiveEntry } from "../objectives/registry.js";
import { createRng, deriveSeed } from "../random/index.js";
import { heNormal } from "../train/initializers.js";
import type { TrainHistory } from "../train/history.js";
import { train, trainRunOptions, type TrainRunOptions } from "../train/train.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertBatchSize, assertFinite, assertRank, assertTensor, shapeString } from "../validation/tensorChecks.js";
import { VariableModel } from "./VariableModel.js";

/** Architecture of an {@link Mlp}: plain JSON, stored with the weights. */
export interface MlpConfig {
  /** Input features D. */
  inputSize: number;
  /** Widths of the hidden ReLU layers (at least one). */
  hiddenSizes: number[];
  /** Classes C (softmax outputs, >= 2). */
  outputSize: number;
  /** Inverted dropout rate on every hidden layer's output during training, in [0, 1). Default 0. */
  dropout: number;
  /** Seed of the initial weights. */
  seed: number;
}

/**
 * An activity penalty on the hidden codes, taken from the objective registry by name
 * (src/objectives/registry.ts), e.g. `{ objective: "ovr", weight: 1e-4 }` adds
 * `1e-4 * ovrOverlap(H)` for every penalised layer.
 */
export interface HiddenPenalty {
  /** Registry name of an objective whose input is "codes" (post-ReLU H) or "preactivations" (Z). */
  objective: string;
  /** Weight lambda >= 0 of the term; 0 leaves the term out. */
  weight: number;
  /** Options passed to the objective, e.g. `{ reduction: "mean" }` for "ovr". */
  options?: Record<string, unknown>;
  /** 0-based hidden layers penalised; default every hidden layer. */
  layers?: number[];
}

/** Output of {@link Mlp.forward}. */
export interface MlpForward {
  /** Pre-activations Z_l = H_{l-1} W_l + b_l of each hidden layer, B x K_l. */
  preactivations: tf.Tensor2D[];
  /** Codes H_l = relu(Z_l) of each hidden layer, B x K_l (before dropout). */
  hidden: tf.Tensor2D[];
  /** Output logits, B x C (softmax of these = class probabilities). */
  logits: tf.Tensor2D;
}

/** Run control (checkpoint, resume, progress, callbacks, evaluate, stopAfterSteps) as train() takes it. */
export interface MlpFitOptions extends TrainRunOptions {
  epochs: number;
  /** Default 128 (the source's batch, the scale of its lambda values for OVR "sum"). */
  batchSize?: number;
  /** Adam learning rate, default 1e-3. */
  learningRate?: number;
  /** Optional penalty on the hidden codes (e.g. OVR). */
  penalty?: HiddenPenalty;
  /** Seeds shuffling and dropout masks. Default: the model's seed. */
  seed?: number;
}

const KIND = "Mlp";
const FIT_KNOWN = [
  "epochs", "batchSize", "learningRate", "penalty", "seed", "checkpoint", "resume", "progress", "progressStream",
  "callbacks", "evaluate", "stopAfterSteps",
] as const;

function kernelName(l: number, hiddenCount: number): string {
  return l < hiddenCount ? `hidden${l + 1}.kernel` : "output.kernel";
}
function biasName(l: number, hiddenCount: number): string {
  return l < hiddenCount ? `hidden${l + 1}.bias` : "output.bias";
}

function checkConfig(c: unknown, where: string): MlpConfig {
  if (c === null || typeof c !== "object") throw new SparsekitError(`${where}: argument 'config' must be an object, got ${String(c)}.`);
  assertKnownOptions(c, where, ["inputSize", "hiddenSizes", "outputSize", "dropout", "seed"]);
  const o = c as Partial<MlpConfig>;
  assertNumberOption(o.inputSize, where, "inputSize", { integer: true, min: 1 });
  assertNumberOption(o.outputSize, where, "outputSize", { integer: true, min: 2 });
  if (!Array.isArray(o.hiddenSizes) || o.hiddenSizes.length === 0) {
    throw new SparsekitError(`${where}: option 'hiddenSizes' must be a non-empty array of layer widths, got ${JSON.stringify(o.hiddenSizes)}.`);
  }
  o.hiddenSizes.forEach((k, i) => assertNumberOption(k, where, `hiddenSizes[${i}]`, { integer: true, min: 1 }));
  const dropout = o.dropout ?? 0;
  assertNumberOption(dropout, where, "dropout", { min: 0, max: 1, exclusiveMax: true });
  const seed = o.seed ?? 0;
  assertNumberOption(seed, where, "seed", { integer: true, min: 0 });
  return { inputSize: o.inputSize, hiddenSizes: [...o.hiddenSizes], outputSize: o.outputSize, dropout, seed };
}

/**
 * Multi-layer perceptron for classification (SPEC.md §3, "OVR-regularised MLP"):
 * `H_1 = relu(X W_1 + b_1)`, ..., `H_L = relu(H_{L-1} W_L + b_L)`, `p = softmax(H_L W_o + b_o)`,
 * trained on `CE(y, p) + lambda * penalty(H_l)` (e.g. the OVR overlap of SPEC §1.4 from the
 * objective registry) with Adam through the generic {@link train} loop, so runs are seeded and
 * can be checkpointed and resumed. Optional inverted dropout on the hidden outputs during
 * training (masks seeded per step). Weights: He-normal kernels (ReLU), zero biases, from `seed`.
 *
 * Built on raw tf.Variables (VariableModel) rather than tf.layers: the penalty needs the batch's
 * hidden codes inside the same gradient computation as the loss, and dropout masks must come from
 * the step seed for bit-exact resume; both are direct here. Shapes: x is B x D, labels one-hot B x C.
 */
export class Mlp extends VariableModel<MlpConfig> {
  readonly kind = KIND;

  private constructor(config: MlpConfig, variables: Record<string, tf.Variable>) {
    super(config, variables);
  }

  /** New model with seeded He-normal kernels and zero biases. */
  static create(config: Partial<MlpConfig> & Pick<MlpConfig, "inputSize" | "hiddenSizes" | "outputSize">): Mlp {
    const c = checkConfig(config, "Mlp.create");
    const rng = createRng(c.seed, "Mlp.create");
    const sizes = [c.inputSize, ...c.hiddenSizes, c.outputSize];
    const vars: Record<string, tf.Variable> = {};
    for (let l = 0; l < sizes.length - 1; l++) {
      const w = heNormal([sizes[l], sizes[l + 1]], rng);
      vars[kernelName(l, c.hiddenSizes.length)] = tf.variable(w, true);
      w.dispose();
      const b = tf.zeros([sizes[l + 1]]);
      vars[biasName(l, c.hiddenSizes.length)] = tf.variable(b, true);
      b.dispose();
    }
    return new Mlp(c, vars);
  }

  /** Reads a model written by `save(dir)`. */
  static async load(target: string | tf.io.IOHandler): Promise<Mlp> {
    const { config, values, initial } = await VariableModel.readSaved(target, KIND);
    const c = checkConfig(config, "Mlp.load");
    const sizes = [c.inputSize, ...c.hiddenSizes, c.outputSize];
    const vars: Record<string, tf.Variable> = {};
    try {
      for (let l = 0; l < sizes.length - 1; l++) {
        for (const [name, shape] of [
          [kernelName(l, c.hiddenSizes.length), [sizes[l], sizes[l + 1]]],
          [biasName(l, c.hiddenSizes.length), [sizes[l + 1]]],
        ] as const) {
          const t = values[name];
          if (!t || t.shape.join(",") !== shape.join(",")) {
            throw new SparsekitError(`Mlp.load: '${String(target)}' must hold variable '${name}' of shape ${shapeString(shape)}, got ${t ? shapeString(t.shape) : "none"}.`);
          }
          vars[name] = tf.variable(t, true);
        }
      }
    } catch (e) {
      for (const v of Object.values(vars)) v.dispose();
      for (const t of Object.values(initial)) t.dispose();
      throw e;
    } finally {
      for (const t of Object.values(values)) t.dispose();
    }
    const model = new Mlp(c, vars);
    model.restoreInitial(initial);
    return model;
  }

  private checkInput(x: unknown, where: string): asserts x is tf.Tensor2D {
    assertTensor(x, where, "x");
    assertRank(x, where, "x", 2, "B x D: one row per sample");
    assertBatchSize(x, where, "x");
    if (x.shape[1] !== this.config.inputSize) {
      throw new SparsekitError(`${where}: argument 'x' must have ${this.config.inputSize} features per row, got shape ${shapeString(x.shape)}.`);
    }
  }

  /**
   * Forward pass. With `training` and a `seed`, dropout (rate config.dropout) is applied to each
   * hidden layer's output before the next layer; the returned `hidden` codes are the pre-dropout
   * ReLU outputs (what the penalty and the metrics see). The caller owns the tensors (use tf.tidy).
   */
  forward(x: tf.Tensor2D, opts: { training?: boolean; seed?: number } = {}): MlpForward {
    this.checkInput(x, "Mlp.forward");
    const drop = opts.training ? this.config.dropout : 0;
    if (drop > 0 && opts.seed === undefined) {
      throw new SparsekitError("Mlp.forward: option 'seed' is required when training with dropout (masks must be reproducible).");
    }
    const nh = this.config.hiddenSizes.length;
    const preactivations: tf.Tensor2D[] = [];
    const hidden: tf.Tensor2D[] = [];
    let a: tf.Tensor2D = x;
    for (let l = 0; l < nh; l++) {
      const z = tf.add(tf.matMul(a, this.variables[kernelName(l, nh)]), this.variables[biasName(l, nh)]) as tf.Tensor2D;
      const h = tf.relu(z);
      preactivations.push(z);
      hidden.push(h);
      a = drop > 0 ? (tf.dropout(h, drop, undefined, deriveSeed(opts.seed!, "dropout", l)) as tf.Tensor2D) : h;
    }
    const logits = tf.add(tf.matMul(a, this.variables[kernelName(nh, nh)]), this.variables[biasName(nh, nh)]) as tf.Tensor2D;
    return { preactivations, hidden, logits };
  }

  /** Class probabilities softmax(logits), B x C (evaluation mode: no dropout). */
  predictProba(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(this.forward(x).logits));
  }

  /** Predicted class of each row (argmax of the logits). */
  predictClasses(x: tf.Tensor2D): Int32Array {
    // Read back outside tidy: tidy walks a returned typed array element by element.
    const classes = tf.tidy(() => tf.argMax(this.forward(x).logits, 1));
    const values = classes.dataSync() as Int32Array;
    classes.dispose();
    return values;
  }

  /** Fraction of rows whose predicted class equals `labels` (integer classes, one per row), in [0, 1]. */
  accuracy(x: tf.Tensor2D, labels: ArrayLike<number>): number {
    this.checkInput(x, "Mlp.accuracy");
    if (labels == null || labels.length !== x.shape[0]) {
      throw new SparsekitError(`Mlp.accuracy: argument 'labels' must hold ${x.shape[0]} classes (one per row of x), got ${labels == null ? String(labels) : `length ${labels.length}`}.`);
    }
    const pred = this.predictClasses(x);
    let hit = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) hit++;
    return hit / pred.length;
  }

  /** Hidden codes H_l (post-ReLU, no dropout) of 0-based hidden layer `layer` (default the last), B x K_l. */
  hiddenCodes(x: tf.Tensor2D, layer = this.config.hiddenSizes.length - 1): tf.Tensor2D {
    assertNumberOption(layer, "Mlp.hiddenCodes", "layer", { integer: true, min: 0, max: this.config.hiddenSizes.length - 1 });
    return tf.tidy(() => this.forward(x).hidden[layer]);
  }

  /**
   * The loss terms of one batch: `crossEntropy` = mean softmax cross-entropy of the logits, and
   * when a penalty with weight > 0 is given, `<objective>` = weight * sum over penalised layers of
   * objective(H_l) (or of Z_l for "preactivations" objectives).
   */
  lossTerms(x: tf.Tensor2D, y: tf.Tensor2D, opts: { penalty?: HiddenPenalty; training?: boolean; seed?: number } = {}): Record<string, tf.Scalar> {
    const out = this.forward(x, { training: opts.training, seed: opts.seed });
    const terms: Record<string, tf.Scalar> = { crossEntropy: tf.losses.softmaxCrossEntropy(y, out.logits) as tf.Scalar };
    const p = opts.penalty;
    if (p && p.weight > 0) {
      const entry = getObjective(p.objective);
      const layers = p.layers ?? this.config.hiddenSizes.map((_, i) => i);
      const values = layers.map((l) => entry.fn(entry.input === "preactivations" ? out.preactivations[l] : out.hidden[l], p.options));
      const total = values.length === 1 ? values[0] : (tf.addN(values) as tf.Scalar);
      terms[p.objective] = tf.mul(p.weight, total) as tf.Scalar;
    }
    return terms;
  }

  /**
   * Trains with Adam on `CE + weight * penalty` via {@link train} (seeded shuffling, per-step
   * dropout seeds, checkpoints/resume). `data.x` is n x D, `data.y` one-hot n x C.
   * @returns the training history (per-epoch loss and terms).
   */
  async fit(data: { x: tf.Tensor2D; y: tf.Tensor2D }, options: MlpFitOptions): Promise<TrainHistory> {
    const where = "Mlp.fit";
    assertKnownOptions(options, where, FIT_KNOWN);
    if (data == null || typeof data !== "object") throw new SparsekitError(`${where}: argument 'data' must be { x, y }.`);
    this.checkInput(data.x, where);
    assertTensor(data.y, where, "data.y");
    if (data.y.rank !== 2 || data.y.shape[0] !== data.x.shape[0] || data.y.shape[1] !== this.config.outputSize) {
      throw new SparsekitError(
        `${where}: argument 'data.y' must be one-hot labels of shape [${data.x.shape[0]}, ${this.config.outputSize}], got ${shapeString(data.y.shape)}.`,
      );
    }
    assertFinite(data.x, where, "data.x");
    const lr = options.learningRate ?? 1e-3;
    assertNumberOption(lr, where, "learningRate", { min: 0, exclusiveMin: true });
    const penalty = options.penalty;
    if (penalty !== undefined) this.checkPenalty(penalty, where);
    const batchSize = options.batchSize ?? 128;
    assertNumberOption(batchSize, where, "batchSize", { integer: true, min: 1 });
    if (penalty && penalty.weight > 0 && getObjective(penalty.objective).name === "ovr" && batchSize < 2) {
      throw new SparsekitError(`${where}: option 'batchSize' must be >= 2 with the "ovr" penalty (overlap between samples), got ${batchSize}.`);
    }
    const seed = options.seed ?? this.config.seed;
    return train({
      variables: this.variables,
      data: { x: data.x, y: data.y },
      epochs: options.epochs,
      batchSize,
      optimizer: { name: "adam", learningRate: lr },
      seed,
      lossTerms: (batch, ctx) =>
        this.lossTerms(batch.x as tf.Tensor2D, batch.y as tf.Tensor2D, { penalty, training: true, seed: ctx.seed }),
      ...trainRunOptions(options),
      // A non-finite loss is caught before the update; skipping the per-step variable scan saves a reduction per step.
      checkFinite: "terms",
      config: { model: this.config, penalty: penalty ?? null, learningRate: lr } as Record<string, unknown>,
    });
  }

  private checkPenalty(p: HiddenPenalty, where: string): ObjectiveEntry {
    if (p === null || typeof p !== "object") throw new SparsekitError(`${where}: option 'penalty' must be { objective, weight, options?, layers? }.`);
    assertKnownOptions(p, `${where} penalty`, ["objective", "weight", "options", "layers"]);
    const entry = getObjective(p.objective);
    if (entry.input === "mask") {
      throw new SparsekitError(`${where}: option 'penalty.objective' must act on hidden codes or pre-activations, got "${p.objective}" (a mask objective).`);
    }
    assertNumberOption(p.weight, where, "penalty.weight", { min: 0 });
    if (p.layers !== undefined) {
      if (!Array.isArray(p.layers) || p.layers.length === 0) {
        throw new SparsekitError(`${where}: option 'penalty.layers' must be a non-empty array of hidden-layer indices, got ${JSON.stringify(p.layers)}.`);
      }
      p.layers.forEach((l, i) => assertNumberOption(l, where, `penalty.layers[${i}]`, { integer: true, min: 0, max: this.config.hiddenSizes.length - 1 }));
    }
    return entry;
  }
}
