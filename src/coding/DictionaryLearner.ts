import * as tf from "@tensorflow/tfjs";
import { loadTensors, saveTensors } from "../io/savedTensors.js";
import { meanActiveUnits } from "../metrics/meanActiveUnits.js";
import { createRng, deriveSeed } from "../random/index.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { checkCodingInputs } from "./checkCodingInputs.js";
import { dictionaryUpdate, normalizeColumns } from "./dictionaryUpdate.js";
import { lcaInference } from "./lcaInference.js";
import { sparseCodingEnergy } from "./sparseCodingEnergy.js";
import { thresholdPenalty, THRESHOLDS, type Threshold } from "./threshold.js";

export interface DictionaryLearnerConfig {
  /** D: length of a (flattened) input sample. */
  inputSize: number;
  /** M: number of atoms (columns of Phi). */
  atoms: number;
  /** LCA threshold lambda (L1 weight for "soft"). */
  lambda: number;
  /** Hebbian learning rate eta of `Phi += eta/B (X - A Phi^T)^T A`. Default 0.05. */
  learningRate?: number;
  /** LCA iterations per batch. Default 100. */
  inferenceIterations?: number;
  /** LCA time constant. Default 10. */
  tau?: number;
  threshold?: Threshold;
  /** Seeds the random unit-norm initial dictionary and the batch order. Default 0. */
  seed?: number;
}

export type ResolvedDictionaryLearnerConfig = Required<DictionaryLearnerConfig>;

/** Numbers of one dictionary-learning step, on the batch it trained on (codes before the update). */
export interface DictionaryStepRecord {
  step: number;
  /** Mean over the batch of ||x - Phi a||^2 / D. */
  reconstructionMse: number;
  /** Mean number of non-zero codes per sample. */
  l0: number;
  /** Sparse-coding energy (batch mean) of the LCA codes. */
  energy: number;
}

export interface DictionaryFitOptions {
  steps: number;
  /** Default 256. */
  batchSize?: number;
  /** Learning rate of the first step of this call. Default: the config's learningRate. */
  initialLearningRate?: number;
  /**
   * Anneal the learning rate linearly from initialLearningRate to this value over the
   * steps of this call (large early steps organise the atoms, small late ones refine them).
   * Default: constant.
   */
  finalLearningRate?: number;
  /** Called after every step (e.g. progress). */
  onStep?: (record: DictionaryStepRecord) => void;
}

const KNOWN = ["inputSize", "atoms", "lambda", "learningRate", "inferenceIterations", "tau", "threshold", "seed"] as const;
const KIND = "DictionaryLearner";

function resolve(config: DictionaryLearnerConfig, where: string): ResolvedDictionaryLearnerConfig {
  if (config === null || typeof config !== "object") throw new SparsekitError(`${where}: argument 'config' must be an object, got ${String(config)}.`);
  assertKnownOptions(config, where, KNOWN);
  const c: ResolvedDictionaryLearnerConfig = {
    inputSize: config.inputSize,
    atoms: config.atoms,
    lambda: config.lambda,
    learningRate: config.learningRate ?? 0.05,
    inferenceIterations: config.inferenceIterations ?? 100,
    tau: config.tau ?? 10,
    threshold: config.threshold ?? "soft",
    seed: config.seed ?? 0,
  };
  assertNumberOption(c.inputSize, where, "inputSize", { min: 1, integer: true });
  assertNumberOption(c.atoms, where, "atoms", { min: 1, integer: true });
  assertNumberOption(c.lambda, where, "lambda", { min: 0 });
  assertNumberOption(c.learningRate, where, "learningRate", { min: 0, exclusiveMin: true });
  assertNumberOption(c.inferenceIterations, where, "inferenceIterations", { min: 1, integer: true });
  assertNumberOption(c.tau, where, "tau", { min: 1 });
  assertEnumOption(c.threshold, where, "threshold", THRESHOLDS);
  assertNumberOption(c.seed, where, "seed", { min: 0, integer: true });
  return c;
}

/**
 * Sparse dictionary learning with LCA (SPEC §3; Olshausen & Field 1996, Rozell et al. 2008):
 * for each minibatch, infer codes with `lcaInference` (cold start from u = 0: batches are fresh
 * samples, so there is no previous state to warm-start from), then take one Hebbian step
 * `Phi += eta/B (X - A Phi^T)^T A` and renormalise every atom to unit norm (dictionaryUpdate).
 * The dictionary starts as seeded Gaussian noise with unit-norm columns. On whitened
 * natural-image patches the atoms become localised, oriented and band-pass.
 */
export class DictionaryLearner {
  readonly config: ResolvedDictionaryLearnerConfig;
  private phiTensor: tf.Tensor2D;
  private steps = 0;

  private constructor(config: ResolvedDictionaryLearnerConfig, phi: tf.Tensor2D) {
    this.config = config;
    this.phiTensor = phi;
  }

  static create(config: DictionaryLearnerConfig): DictionaryLearner {
    const c = resolve(config, "DictionaryLearner.create");
    const phi = tf.tidy(() => normalizeColumns(tf.randomNormal([c.inputSize, c.atoms], 0, 1, "float32", deriveSeed(c.seed, "dictionary-init"))));
    return new DictionaryLearner(c, phi);
  }

  /** The current dictionary Phi (D x M, unit-norm columns). Owned by the learner: do not dispose. */
  get phi(): tf.Tensor2D {
    return this.phiTensor;
  }

  /** Training steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** LCA codes of x (B x D) under the current dictionary, with this learner's settings. */
  encode(x: tf.Tensor2D, options: { iterations?: number; recordEnergy?: boolean } = {}): { codes: tf.Tensor2D; energy?: number[] } {
    const r = lcaInference(x, this.phiTensor, {
      lambda: this.config.lambda,
      tau: this.config.tau,
      threshold: this.config.threshold,
      iterations: options.iterations ?? this.config.inferenceIterations,
      recordEnergy: options.recordEnergy ?? false,
    });
    r.u.dispose();
    return r.energy ? { codes: r.codes, energy: r.energy } : { codes: r.codes };
  }

  /** One step on a batch x (B x D): inference, numbers of the batch, Hebbian update (rate `learningRate`, default the config's). */
  step(x: tf.Tensor2D, learningRate = this.config.learningRate): DictionaryStepRecord {
    checkCodingInputs(x, this.phiTensor, "DictionaryLearner.step");
    const { codes } = this.encode(x);
    const penalty = thresholdPenalty(this.config.threshold);
    const [mse, l0, energy] = tf.tidy(() => {
      const residual = tf.sub(x, tf.matMul(codes, this.phiTensor, false, true));
      return [
        tf.mean(tf.square(residual)).dataSync()[0]!,
        meanActiveUnits(codes, { tol: 0 }),
        sparseCodingEnergy(x, this.phiTensor, codes, this.config.lambda, penalty).dataSync()[0]!,
      ];
    });
    const next = dictionaryUpdate(this.phiTensor, x, codes, learningRate);
    codes.dispose();
    this.phiTensor.dispose();
    this.phiTensor = next;
    this.steps++;
    return { step: this.steps, reconstructionMse: mse, l0, energy };
  }

  /** Trains on random minibatches (seeded) of the rows of data (N x D). Returns one record per step. */
  fit(data: tf.Tensor2D, options: DictionaryFitOptions): DictionaryStepRecord[] {
    const where = "DictionaryLearner.fit";
    checkCodingInputs(data, this.phiTensor, where);
    assertKnownOptions(options, where, ["steps", "batchSize", "initialLearningRate", "finalLearningRate", "onStep"]);
    assertNumberOption(options.steps, where, "steps", { min: 1, integer: true });
    const batchSize = options.batchSize ?? 256;
    assertNumberOption(batchSize, where, "batchSize", { min: 1, integer: true });
    const start = options.initialLearningRate ?? this.config.learningRate;
    assertNumberOption(start, where, "initialLearningRate", { min: 0, exclusiveMin: true });
    const end = options.finalLearningRate ?? start;
    assertNumberOption(end, where, "finalLearningRate", { min: 0, exclusiveMin: true });
    const n = data.shape[0];
    const rng = createRng(deriveSeed(this.config.seed, "dictionary-batches", this.steps));
    const records: DictionaryStepRecord[] = [];
    let order = rng.permutation(n);
    let pos = 0;
    for (let s = 0; s < options.steps; s++) {
      if (pos + Math.min(batchSize, n) > n) {
        order = rng.permutation(n);
        pos = 0;
      }
      const idx = order.slice(pos, pos + Math.min(batchSize, n));
      pos += idx.length;
      const batch = tf.tidy(() => tf.gather(data, tf.tensor1d(idx, "int32")) as tf.Tensor2D);
      const rate = options.steps > 1 ? start + ((end - start) * s) / (options.steps - 1) : start;
      const record = this.step(batch, rate);
      batch.dispose();
      records.push(record);
      options.onStep?.(record);
    }
    return records;
  }

  /** Saves the dictionary and config (a directory, a tfjs URL such as "indexeddb://name", or an IOHandler). */
  async save(target: string | tf.io.IOHandler): Promise<tf.io.SaveResult> {
    return saveTensors(target, KIND, { phi: this.phiTensor }, { config: { ...this.config }, steps: this.steps }, `${KIND}.save`);
  }

  /** Reads a learner written by save(). */
  static async load(target: string | tf.io.IOHandler): Promise<DictionaryLearner> {
    const where = `${KIND}.load`;
    const loaded = await loadTensors(target, KIND, where);
    const phi = loaded.tensors.phi;
    if (!phi) {
      tf.dispose(Object.values(loaded.tensors));
      throw new SparsekitError(`${where}: ${String(target)} does not hold a dictionary 'phi'.`);
    }
    try {
      const c = resolve(loaded.metadata.config as DictionaryLearnerConfig, where);
      if (phi.rank !== 2 || phi.shape[0] !== c.inputSize || phi.shape[1] !== c.atoms) {
        throw new SparsekitError(`${where}: saved dictionary has shape [${phi.shape.join(", ")}], config says [${c.inputSize}, ${c.atoms}].`);
      }
      const learner = new DictionaryLearner(c, phi as tf.Tensor2D);
      learner.steps = Number(loaded.metadata.steps ?? 0);
      return learner;
    } catch (e) {
      phi.dispose();
      throw e;
    }
  }

  dispose(): void {
    this.phiTensor.dispose();
  }
}
