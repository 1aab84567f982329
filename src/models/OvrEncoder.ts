import * as tf from "@tensorflow/tfjs";
import { FusedAdamOptimizer } from "../train/FusedAdamOptimizer.js";
import { OVR_REDUCTIONS, type OvrReduction } from "../objectives/ovrOverlap.js";
import { createRng } from "../random/index.js";
import { randomNormal } from "../train/initializers.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBooleanOption, assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertFinite, assertRank, assertTensor, shapeString } from "../validation/tensorChecks.js";
import { VariableModel } from "./VariableModel.js";

export interface OvrEncoderConfig {
  /** Input dimension d. */
  inputSize: number;
  /** Number of units K. */
  hiddenSize: number;
  /** Weight lambda of the OVR term in J = L + lambda * OVR(H), >= 0. Default 1e-4. */
  lambda?: number;
  /** OVR reduction: "sum" (default, SPEC §1.4 scale) or "mean" (divided by B(B - 1)). */
  reduction?: OvrReduction;
  /** Renormalise every row of W to unit L2 norm after each update (and at the start). Default false. */
  unitNormRows?: boolean;
  /** Seed of the weight initialisation (and the default training seed). Default 0. */
  seed?: number;
}

export type ResolvedOvrEncoderConfig = Required<OvrEncoderConfig>;

/** The cost on one batch, split into its parts (plain numbers). */
export interface OvrEncoderCost {
  /** L = (1/B) sum_i (||h_i|| - 1)^2. */
  normTerm: number;
  /** OVR(H), unweighted (with the configured reduction). */
  overlap: number;
  /** J = normTerm + lambda * overlap. */
  total: number;
}

/** The explicit gradient of J on one batch and the cost it was computed at. Caller disposes W and b. */
export interface OvrEncoderGradients extends OvrEncoderCost {
  /** dJ/dW [d, K] (the layout of the variable W; column k = dJ/dw_k). */
  W: tf.Tensor2D;
  /** dJ/db [K]. */
  b: tf.Tensor1D;
}

export interface OvrEncoderEpoch {
  /** 1-based epoch. */
  epoch: number;
  /** Batch means of the cost parts seen by the optimizer during the epoch. */
  normTerm: number;
  overlap: number;
  total: number;
  /** ||W - W0|| / ||W0|| at the end of the epoch. */
  weightChange: number;
  seconds: number;
}

export interface OvrEncoderFitOptions {
  /** Passes over the data, integer >= 1. Default 10. */
  epochs?: number;
  /** Minibatch size, integer >= 2 (OVR compares samples of a batch). Default 128. */
  batchSize?: number;
  /** Adam learning rate, > 0. Default 1e-3. */
  learningRate?: number;
  /**
   * Stop after this many optimizer steps in all, integer >= 1 (the last epoch may then be
   * partial; it is still reported). Default: no limit (epochs x batches per epoch). Lets runs
   * with different batch sizes take the same number of steps.
   */
  maxSteps?: number;
  /** Seed of the shuffling. Default: the config seed. */
  seed?: number;
  /** Called after every epoch (e.g. to log progress or record held-out sparsity). */
  onEpochEnd?: (record: OvrEncoderEpoch) => void;
}

export interface OvrEncoderFitResult {
  epochs: OvrEncoderEpoch[];
  /** Optimizer steps taken. */
  steps: number;
  seconds: number;
}

const KIND = "OvrEncoder";
const CONFIG_KEYS = ["inputSize", "hiddenSize", "lambda", "reduction", "unitNormRows", "seed"] as const;
const FIT_KEYS = ["epochs", "batchSize", "learningRate", "maxSteps", "seed", "onEpochEnd"] as const;

/** Validates a config and fills in the defaults. */
export function resolveOvrEncoderConfig(config: OvrEncoderConfig, where = KIND): ResolvedOvrEncoderConfig {
  if (config === null || typeof config !== "object") {
    throw new SparsekitError(`${where}: argument 'config' must be an object { inputSize, hiddenSize, ... }, got ${String(config)}.`);
  }
  assertKnownOptions(config, where, CONFIG_KEYS);
  assertNumberOption(config.inputSize, where, "inputSize", { integer: true, min: 1 });
  assertNumberOption(config.hiddenSize, where, "hiddenSize", { integer: true, min: 1 });
  const lambda = config.lambda ?? 1e-4;
  assertNumberOption(lambda, where, "lambda", { min: 0 });
  const reduction = config.reduction ?? "sum";
  assertEnumOption(reduction, where, "reduction", OVR_REDUCTIONS);
  const unitNormRows = config.unitNormRows ?? false;
  assertBooleanOption(unitNormRows, where, "unitNormRows");
  const seed = config.seed ?? 0;
  assertNumberOption(seed, where, "seed", { integer: true, min: 0 });
  return { inputSize: config.inputSize, hiddenSize: config.hiddenSize, lambda, reduction, unitNormRows, seed };
}

/**
 * OVR-Encoder (SPEC.md §3, seed 001): one layer `h_i = relu(W x_i + b)` with K units (unit k:
 * `h_ik = relu(w_k . x_i + b_k)`), trained WITHOUT backpropagation on
 * `J = L + lambda * OVR(H)`, `L = (1/B) sum_i (||h_i|| - 1)^2`,
 * `OVR(H) = ||sum_i h_i||^2 - sum_i ||h_i||^2` (SPEC §1.4; "mean" divides by B(B - 1)).
 *
 * The update is explicit and local. With z_ik = w_k . x_i + b_k, g_ik = [z_ik > 0], S_k = sum_j h_jk:
 * `dOVR/dh_ik = 2 (S_k - h_ik)` (each pair i != j appears twice in the sum) and
 * `dL/dh_ik = (2/B) (||h_i|| - 1) h_ik / ||h_i||` (0 for a silent sample), so with
 * `delta_ik = g_ik (dL/dh_ik + lambda dOVR/dh_ik)`:
 * `dJ/dw_k = sum_i delta_ik x_i` and `dJ/db_k = sum_i delta_ik`.
 * The OVR part moves unit k away from the inputs that activate it, weighted by how much the rest
 * of the batch activates it; the only non-local quantity is ||h_i|| in L. Adam (FusedAdamOptimizer's
 * applyGradients) applies these gradients; tf.grad is never called.
 *
 * Initialisation: w_k ~ N(0, I/d), drawn exactly as RandomReluFeatures draws its [K, d] weights
 * from the same seed (so those features are this encoder's untrained control), b = 0.
 * `unitNormRows` renormalises every unit's weight vector w_k to unit norm at the start and after
 * every update (the free-scale default lets them grow or shrink). Variables "W" and "b"; W is
 * stored as [d, K] (column k = w_k, the SparseAutoencoder's W1 layout: x W is wasm's fast matMul);
 * `filters()` gives the [K, d] rows. relativeChange("W") = ||W - W0|| / ||W0||.
 */
export class OvrEncoder extends VariableModel<ResolvedOvrEncoderConfig> {
  readonly kind = KIND;

  private constructor(config: ResolvedOvrEncoderConfig, variables: Record<string, tf.Variable>) {
    super(config, variables);
  }

  /** New encoder with freshly initialised weights (see the class comment). */
  static create(config: OvrEncoderConfig): OvrEncoder {
    const c = resolveOvrEncoderConfig(config, `${KIND}.create`);
    const rng = createRng(c.seed, `${KIND}.create`);
    const rows = randomNormal([c.hiddenSize, c.inputSize], 0, 1 / Math.sqrt(c.inputSize), rng);
    const w0 = tf.transpose(rows);
    const w = c.unitNormRows ? normalizeUnits(w0) : w0;
    const b0 = tf.zeros([c.hiddenSize]);
    const vars = { W: tf.variable(w, true), b: tf.variable(b0, true) };
    tf.dispose([rows, w0, w, b0]);
    return new OvrEncoder(c, vars);
  }

  /** Loads an encoder written by save(dir); the initial-weight snapshot comes back too. */
  static async load(target: string | tf.io.IOHandler): Promise<OvrEncoder> {
    const { config, values, initial } = await VariableModel.readSaved(target, KIND);
    const all = [...Object.values(values), ...Object.values(initial)];
    let c: ResolvedOvrEncoderConfig;
    try {
      c = resolveOvrEncoderConfig(config as OvrEncoderConfig, `${KIND}.load`);
    } catch (e) {
      tf.dispose(all);
      throw e;
    }
    const expected: Record<string, number[]> = { W: [c.inputSize, c.hiddenSize], b: [c.hiddenSize] };
    for (const [name, shape] of Object.entries(expected)) {
      const t = values[name];
      if (!t || t.shape.join(",") !== shape.join(",")) {
        tf.dispose(all);
        throw new SparsekitError(`${KIND}.load: '${String(target)}' must hold variable '${name}' of shape ${shapeString(shape)}, got ${t ? shapeString(t.shape) : "none"}.`);
      }
    }
    const vars = { W: tf.variable(values.W, true), b: tf.variable(values.b, true) };
    tf.dispose(Object.values(values));
    const model = new OvrEncoder(c, vars);
    model.restoreInitial(initial);
    return model;
  }

  /** Filters, one row w_k per unit: [K, d]. Caller disposes. */
  filters(): tf.Tensor2D {
    return tf.tidy(() => tf.transpose(this.variables.W)) as tf.Tensor2D;
  }

  /** Codes h = relu(x W + b) (h_ik = relu(w_k . x_i + b_k)): [B, d] -> [B, K]. Caller disposes. */
  encode(x: tf.Tensor): tf.Tensor2D {
    this.checkInput(x, `${KIND}.encode`);
    return tf.tidy(() => this.codes(x as tf.Tensor2D).h);
  }

  /** J and its parts on the batch x [B, d] (B >= 2). */
  cost(x: tf.Tensor): OvrEncoderCost {
    this.checkInput(x, `${KIND}.cost`, 2);
    const v = tf.tidy(() => {
      const { h } = this.codes(x as tf.Tensor2D);
      const { normTerm, overlap } = this.costTensors(h);
      return tf.stack([normTerm, overlap]).dataSync();
    });
    return { normTerm: v[0], overlap: v[1], total: v[0] + this.config.lambda * v[1] };
  }

  /** The explicit (local, backprop-free) gradient of J on the batch x [B, d] (B >= 2); see the class comment. */
  gradients(x: tf.Tensor): OvrEncoderGradients {
    this.checkInput(x, `${KIND}.gradients`, 2);
    const { W, b, parts } = this.explicitGradients(x as tf.Tensor2D);
    const v = parts.dataSync();
    parts.dispose();
    return { W, b, normTerm: v[0], overlap: v[1], total: v[0] + this.config.lambda * v[1] };
  }

  /**
   * Trains on x [n, d] with Adam applied to the explicit gradients: per epoch a seeded shuffle
   * cut into batches of `batchSize` (a final remainder of 1 sample is skipped: OVR needs two),
   * for `epochs` epochs or until `maxSteps` steps.
   * Throws a SparsekitError if the cost becomes NaN or infinite.
   */
  fit(x: tf.Tensor, options: OvrEncoderFitOptions = {}): OvrEncoderFitResult {
    const where = `${KIND}.fit`;
    assertKnownOptions(options, where, FIT_KEYS);
    this.checkInput(x, where, 2);
    const epochs = options.epochs ?? 10;
    assertNumberOption(epochs, where, "epochs", { integer: true, min: 1 });
    const batchSize = options.batchSize ?? 128;
    assertNumberOption(batchSize, where, "batchSize", { integer: true, min: 2 });
    const learningRate = options.learningRate ?? 1e-3;
    assertNumberOption(learningRate, where, "learningRate", { min: 0, exclusiveMin: true });
    const maxSteps = options.maxSteps ?? Infinity;
    if (options.maxSteps !== undefined) assertNumberOption(maxSteps, where, "maxSteps", { integer: true, min: 1 });
    const seed = options.seed ?? this.config.seed;
    assertNumberOption(seed, where, "seed", { integer: true });
    if (options.onEpochEnd !== undefined && typeof options.onEpochEnd !== "function") {
      throw new SparsekitError(`${where}: option 'onEpochEnd' must be a function.`);
    }
    const started = performance.now();
    const n = x.shape[0];
    const rng = createRng(seed, where);
    const optimizer = new FusedAdamOptimizer(learningRate);
    const { W, b } = this.variables;
    const records: OvrEncoderEpoch[] = [];
    let steps = 0;
    try {
      for (let epoch = 1; epoch <= epochs && steps < maxSteps; epoch++) {
        const t0 = performance.now();
        const perm = rng.permutation(n);
        const parts: tf.Tensor[] = [];
        for (let start = 0; start + 1 < n && steps < maxSteps; start += batchSize) {
          const idx = perm.slice(start, Math.min(n, start + batchSize));
          const p = tf.tidy(() => {
            const xb = tf.gather(x, tf.tensor1d(idx, "int32")) as tf.Tensor2D;
            const g = this.explicitGradients(xb);
            optimizer.applyGradients([
              { name: W.name, tensor: g.W },
              { name: b.name, tensor: g.b },
            ]);
            if (this.config.unitNormRows) W.assign(normalizeUnits(W));
            return g.parts;
          });
          parts.push(p);
          steps++;
        }
        const means = tf.tidy(() => tf.mean(tf.stack(parts), 0).dataSync());
        tf.dispose(parts);
        const record: OvrEncoderEpoch = {
          epoch,
          normTerm: means[0],
          overlap: means[1],
          total: means[0] + this.config.lambda * means[1],
          weightChange: this.relativeChange("W"),
          seconds: (performance.now() - t0) / 1000,
        };
        if (!Number.isFinite(record.total) || !Number.isFinite(record.weightChange)) {
          throw new SparsekitError(
            `${where}: training diverged in epoch ${epoch}: cost ${record.total}, weight change ${record.weightChange} (lambda ${this.config.lambda}, learningRate ${learningRate}); lower one of them.`,
          );
        }
        records.push(record);
        options.onEpochEnd?.(record);
      }
    } finally {
      optimizer.dispose();
    }
    return { epochs: records, steps, seconds: (performance.now() - started) / 1000 };
  }

  /** Optimizer steps fit() takes per epoch on n samples: ceil(n / batchSize), minus a final batch of 1. */
  static stepsPerEpoch(n: number, batchSize: number): number {
    return Math.floor(n / batchSize) + (n % batchSize >= 2 ? 1 : 0);
  }

  /** z and h = relu(z) for x [B, d]. */
  private codes(x: tf.Tensor2D): { z: tf.Tensor2D; h: tf.Tensor2D } {
    const z = tf.fused.matMul({ a: x, b: this.variables.W as tf.Tensor2D, bias: this.variables.b }) as tf.Tensor2D;
    return { z, h: tf.relu(z) as tf.Tensor2D };
  }

  /** L and OVR (with the configured reduction) as scalars. */
  private costTensors(h: tf.Tensor2D): { normTerm: tf.Scalar; overlap: tf.Scalar } {
    return this.costFromSums(tf.sum(tf.square(h), 1, true), tf.sum(h, 0, true));
  }

  /**
   * L and OVR from the row sums of squares ||h_i||^2 [B, 1] and the column sums s = sum_i h_i
   * [1, K]: OVR = ||s||^2 - sum_i ||h_i||^2 (the gradient needs both sums as well).
   */
  private costFromSums(sumSq: tf.Tensor2D, s: tf.Tensor2D): { normTerm: tf.Scalar; overlap: tf.Scalar } {
    const B = sumSq.shape[0];
    const normTerm = tf.mean(tf.square(tf.sub(tf.sqrt(sumSq), 1))) as tf.Scalar;
    let overlap = tf.sub(tf.sum(tf.square(s)), tf.sum(sumSq)) as tf.Scalar;
    if (this.config.reduction === "mean") overlap = tf.div(overlap, B * (B - 1));
    return { normTerm, overlap };
  }

  /** dJ/dW, dJ/db and [L, OVR] (a [2] tensor) for a batch, by the explicit formulas. */
  private explicitGradients(x: tf.Tensor2D): { W: tf.Tensor2D; b: tf.Tensor1D; parts: tf.Tensor1D } {
    return tf.tidy(() => {
      const B = x.shape[0];
      const { z, h } = this.codes(x);
      const active = tf.step(z); // 1[z > 0] (one unary kernel: ~5x faster on wasm than greater + cast)
      const sumSq = tf.sum(tf.square(h), 1, true) as tf.Tensor2D; // [B, 1]
      const norms = tf.sqrt(sumSq);
      // dL/dh_ik = (2/B) (||h_i|| - 1) / ||h_i|| * h_ik; a silent sample (||h_i|| = 0) contributes 0.
      const dL = tf.mul(tf.mul(2 / B, tf.divNoNan(tf.sub(norms, 1), norms)), h);
      const s = tf.sum(h, 0, true) as tf.Tensor2D; // [1, K]
      const ovrScale = this.config.reduction === "mean" ? 2 / (B * (B - 1)) : 2;
      const dOvr = tf.mul(ovrScale, tf.sub(s, h));
      const delta = tf.mul(active, tf.add(dL, tf.mul(this.config.lambda, dOvr))) as tf.Tensor2D; // [B, K]
      const W = tf.matMul(tf.transpose(x), delta) as tf.Tensor2D; // [d, K], column k = dJ/dw_k
      const b = tf.sum(delta, 0) as tf.Tensor1D;
      const { normTerm, overlap } = this.costFromSums(sumSq, s);
      return { W, b, parts: tf.stack([normTerm, overlap]) as tf.Tensor1D };
    });
  }

  private checkInput(x: unknown, where: string, minBatch = 1): asserts x is tf.Tensor2D {
    assertTensor(x, where, "x");
    assertRank(x, where, "x", 2, `B x ${this.config.inputSize}: one sample per row`);
    if (x.shape[1] !== this.config.inputSize) {
      throw new SparsekitError(`${where}: argument 'x' must have ${this.config.inputSize} columns (inputSize), got shape ${shapeString(x.shape)}.`);
    }
    if (x.shape[0] < minBatch) {
      throw new SparsekitError(`${where}: argument 'x' must hold at least ${minBatch} samples (OVR compares different samples of the batch), got ${x.shape[0]}.`);
    }
    assertFinite(x, where, "x");
  }
}

/** Each unit's weights (column of W [d, K]) scaled to unit L2 norm (an all-zero column stays zero). */
function normalizeUnits(w: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => tf.divNoNan(w, tf.norm(w, "euclidean", 0, true)) as tf.Tensor2D);
}
