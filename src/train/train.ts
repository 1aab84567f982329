import * as tf from "@tensorflow/tfjs";
import type { NamedTensor } from "../io/weightsFile.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { DEFAULT_VALUE_CHECK_EVERY, withoutValueChecks } from "../validation/valueChecks.js";
import { assertBooleanOption, assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertTensor, shapeString } from "../validation/tensorChecks.js";
import { readLatestCheckpoint, writeCheckpoint, type CheckpointConfig } from "./checkpoint.js";
import type { EpochRecord, StopInfo, TrainHistory } from "./history.js";
import { completeOptimizerSpec, createOptimizer, isOptimizer, optimizerSpecOf, parseOptimizerSpec, type OptimizerSpec } from "./optimizer.js";
import { disposeOptimizerState, importOptimizerState } from "./optimizerState.js";
import { createProgressReporter, PROGRESS_MODES, type ProgressMode, type ProgressSink } from "./progress.js";
import { deriveSeed, Rng } from "../random/index.js";
import { TrainingDivergedError } from "./TrainingDivergedError.js";

/** A minibatch: rows of `x` (and `y` when given) selected by the shuffled indices. */
export interface TrainBatch {
  x: tf.Tensor;
  y?: tf.Tensor;
}

/** Passed to `lossTerms` on every step. */
export interface StepContext {
  /** 1-based epoch. */
  epoch: number;
  /** 0-based batch index within the epoch. */
  batch: number;
  /** 1-based global step number of the update being computed. */
  step: number;
  /**
   * A seed for this step's own randomness (noise, dropout masks), derived from the run's seed and
   * the step number, so a resumed run draws the same noise: pass it to tf.randomNormal etc.
   */
  seed: number;
}

/**
 * The objective: named scalar terms, already weighted. The trainer minimises their sum and
 * records each one. Must return the same term names on every step.
 */
export type LossTermsFn = (batch: TrainBatch, ctx: StepContext) => Record<string, tf.Scalar>;

export interface BatchInfo {
  epoch: number;
  batch: number;
  /** Steps completed, this one included. */
  step: number;
  batchSize: number;
  loss: number;
  terms: Record<string, number>;
}

/** Lets callbacks end training after the current batch / epoch (history.stopped.reason = "callback"). */
export interface TrainControl {
  stop(message?: string): void;
}

export interface TrainCallbacks {
  onBatchEnd?: (info: BatchInfo, control: TrainControl) => void | Promise<void>;
  onEpochEnd?: (record: EpochRecord, control: TrainControl) => void | Promise<void>;
  onTrainEnd?: (history: TrainHistory) => void | Promise<void>;
}

export interface CheckpointOptions {
  /** Directory of checkpoints (created if missing). */
  dir: string;
  /** Write a checkpoint every this many epochs (default 1); the last epoch is always saved. */
  every?: number;
  /** Number of checkpoints kept (default 2). */
  keep?: number;
}

export interface TrainOptions {
  /** Trainable tf.Variables, by name (a record) or as an array (named by variable.name). */
  variables: tf.Variable[] | Record<string, tf.Variable>;
  lossTerms: LossTermsFn;
  /** Training set: x (and optional y) with the samples along the first axis. */
  data: TrainBatch;
  /** Total number of epochs (a resumed run continues up to this number). */
  epochs: number;
  /** Default 32. The last batch of an epoch holds the remainder (it is kept, not dropped). */
  batchSize?: number;
  /** A spec (created and disposed here) or an optimizer instance (left to the caller). Default adam 1e-3. */
  optimizer?: OptimizerSpec | tf.Optimizer;
  /** Seeds shuffling and StepContext.seed. Default 0. */
  seed?: number;
  /** Reshuffle every epoch (default true); false = samples in order. */
  shuffle?: boolean;
  callbacks?: TrainCallbacks;
  /** Called after each epoch; its numbers go to EpochRecord.metrics (e.g. validation loss). */
  evaluate?: (epoch: number) => Record<string, number> | Promise<Record<string, number>>;
  /** Default "auto" (bar on a TTY, else one log line per epoch). */
  progress?: ProgressMode;
  /** Where progress goes; default process.stderr. */
  progressStream?: ProgressSink;
  checkpoint?: CheckpointOptions;
  /**
   * Value checks (NaN/Inf, sign, range) inside the loss and on the updated variables run on the
   * first step and every this many steps (default 50): each is a read-back that stalls WebGL.
   * The loss terms are read back every step anyway, so a non-finite loss is still caught at once.
   * 1 checks every step.
   */
  valueCheckEvery?: number;
  /** Continue from the latest checkpoint in checkpoint.dir if there is one (else start fresh). */
  resume?: boolean;
  /** Stop after this many optimizer steps in total (to test interruption). */
  stopAfterSteps?: number;
  /**
   * Divergence check after every step: "terms" checks the loss terms (before the update is
   * applied, so the variables keep their last finite values); "all" (default) also checks every
   * variable after the update (catches NaN gradients with a finite loss; costs one reduction).
   */
  checkFinite?: "terms" | "all";
  /** The caller's JSON config, stored in checkpoints for the record. */
  config?: Record<string, unknown>;
}

const KNOWN = [
  "variables", "lossTerms", "data", "epochs", "batchSize", "optimizer", "seed", "shuffle", "callbacks", "evaluate",
  "progress", "progressStream", "checkpoint", "valueCheckEvery", "resume", "stopAfterSteps", "checkFinite", "config",
] as const;

const W = "train";

function namedVariables(variables: TrainOptions["variables"]): NamedVariable[] {
  const list: NamedVariable[] = Array.isArray(variables)
    ? variables.map((v) => ({ name: v?.name, variable: v }))
    : variables != null && typeof variables === "object"
      ? Object.entries(variables).map(([name, variable]) => ({ name, variable }))
      : [];
  if (list.length === 0) {
    throw new SparsekitError(`${W}: argument 'variables' must be a non-empty array or record of tf.Variable.`);
  }
  const seen = new Set<string>();
  for (const { name, variable } of list) {
    if (!(variable instanceof tf.Variable)) {
      throw new SparsekitError(`${W}: variable '${name}' must be a tf.Variable (tf.variable(...)), got ${variable === null ? "null" : typeof variable}.`);
    }
    if (variable.isDisposed) throw new SparsekitError(`${W}: variable '${name}' is disposed.`);
    if (!variable.trainable) throw new SparsekitError(`${W}: variable '${name}' is not trainable.`);
    if (seen.has(name)) throw new SparsekitError(`${W}: variable names must be unique, got '${name}' twice.`);
    seen.add(name);
  }
  return list;
}

interface NamedVariable {
  name: string;
  variable: tf.Variable;
}

function checkData(data: TrainBatch): number {
  if (data == null || typeof data !== "object") throw new SparsekitError(`${W}: argument 'data' must be { x, y? }.`);
  assertTensor(data.x, W, "data.x");
  if (data.x.rank < 1 || data.x.shape[0] < 1) {
    throw new SparsekitError(`${W}: argument 'data.x' must have at least one sample along axis 0, got shape ${shapeString(data.x.shape)}.`);
  }
  const n = data.x.shape[0];
  if (data.y !== undefined) {
    assertTensor(data.y, W, "data.y");
    if (data.y.rank < 1 || data.y.shape[0] !== n) {
      throw new SparsekitError(`${W}: argument 'data.y' must have ${n} samples along axis 0 like data.x, got shape ${shapeString(data.y.shape)}.`);
    }
  }
  return n;
}

function describeValue(v: number): string {
  return Number.isNaN(v) ? "NaN" : v > 0 ? "+Infinity" : "-Infinity";
}

/** The run-control options a model's fit() takes and hands to train() unchanged. */
export type TrainRunOptions = Pick<TrainOptions, "checkpoint" | "resume" | "callbacks" | "evaluate" | "progress" | "progressStream" | "stopAfterSteps">;

/** The run-control options that are set (an absent key keeps train()'s default); progress defaults to `defaultProgress`. */
export function trainRunOptions(options: TrainRunOptions, defaultProgress: ProgressMode = "none"): TrainRunOptions {
  return {
    ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
    ...(options.resume !== undefined ? { resume: options.resume } : {}),
    ...(options.callbacks ? { callbacks: options.callbacks } : {}),
    ...(options.evaluate ? { evaluate: options.evaluate } : {}),
    ...(options.stopAfterSteps !== undefined ? { stopAfterSteps: options.stopAfterSteps } : {}),
    progress: options.progress ?? defaultProgress,
    ...(options.progressStream ? { progressStream: options.progressStream } : {}),
  };
}

/**
 * Generic seeded minibatch trainer: minimises the sum of the named loss terms over `variables`.
 *
 * Each epoch draws a permutation of the samples from a seeded RNG (Alea; its state is
 * checkpointed), cuts it into batches of `batchSize` (the last, smaller batch is kept), and
 * takes one optimizer step per batch. Epoch losses are sample-weighted means.
 * Same seed, data, initial variables and backend -> the same history and final variables, bit
 * for bit; a run interrupted after a checkpoint and resumed ends with exactly the weights of an
 * uninterrupted run.
 *
 * Divergence: if a term (or, with checkFinite "all", a variable) becomes NaN/Infinity, training
 * stops and a {@link TrainingDivergedError} (a SparsekitError) is thrown, naming step, epoch and
 * culprit; its `history` has the completed epochs and `stopped`.
 *
 * @returns the history: `epochs` (loss, terms, metrics, seconds, steps per completed epoch),
 *   `steps`, and `stopped` when ended early by stopAfterSteps or a callback.
 */
export async function train(options: TrainOptions): Promise<TrainHistory> {
  assertKnownOptions(options, W, KNOWN);
  const vars = namedVariables(options.variables);
  if (typeof options.lossTerms !== "function") throw new SparsekitError(`${W}: argument 'lossTerms' must be a function.`);
  const n = checkData(options.data);
  const epochs = options.epochs;
  assertNumberOption(epochs, W, "epochs", { min: 1, integer: true });
  const batchSize = options.batchSize ?? 32;
  assertNumberOption(batchSize, W, "batchSize", { min: 1, integer: true });
  const seed = options.seed ?? 0;
  assertNumberOption(seed, W, "seed", { integer: true });
  const shuffle = options.shuffle ?? true;
  assertBooleanOption(shuffle, W, "shuffle");
  const progressMode = options.progress ?? "auto";
  assertEnumOption(progressMode, W, "progress", PROGRESS_MODES);
  const checkFinite = options.checkFinite ?? "all";
  assertEnumOption(checkFinite, W, "checkFinite", ["terms", "all"] as const);
  if (options.stopAfterSteps !== undefined) assertNumberOption(options.stopAfterSteps, W, "stopAfterSteps", { min: 0, integer: true });
  const valueCheckEvery = options.valueCheckEvery ?? DEFAULT_VALUE_CHECK_EVERY;
  assertNumberOption(valueCheckEvery, W, "valueCheckEvery", { min: 1, integer: true });
  if (options.evaluate !== undefined && typeof options.evaluate !== "function") throw new SparsekitError(`${W}: option 'evaluate' must be a function.`);
  const cp = options.checkpoint;
  if (cp !== undefined) {
    if (cp == null || typeof cp.dir !== "string" || cp.dir === "") throw new SparsekitError(`${W}: option 'checkpoint.dir' must be a non-empty path.`);
    assertKnownOptions(cp, W, ["dir", "every", "keep"]);
    if (cp.every !== undefined) assertNumberOption(cp.every, W, "checkpoint.every", { min: 1, integer: true });
    if (cp.keep !== undefined) assertNumberOption(cp.keep, W, "checkpoint.keep", { min: 1, integer: true });
  }
  if (options.resume !== undefined) assertBooleanOption(options.resume, W, "resume");
  if (options.resume && cp === undefined) throw new SparsekitError(`${W}: option 'resume' needs option 'checkpoint' (where to resume from).`);

  const ownsOptimizer = !isOptimizer(options.optimizer);
  const optimizer =
    isOptimizer(options.optimizer)
      ? options.optimizer
      : createOptimizer(parseOptimizerSpec(options.optimizer ?? { name: "adam", learningRate: 1e-3 }, W, "optimizer"));
  const optimizerSpec = completeOptimizerSpec(optimizerSpecOf(optimizer));

  const config: CheckpointConfig = {
    seed,
    batchSize,
    shuffle,
    numSamples: n,
    variables: vars.map(({ name, variable }) => ({ name, shape: [...variable.shape], dtype: variable.dtype })),
    optimizer: optimizerSpec,
    ...(options.config ? { user: options.config } : {}),
  };

  let rng = Rng.fromSeed(seed);
  let history: TrainHistory = { epochs: [], steps: 0 };
  let startEpoch = 1;
  const progress = createProgressReporter(progressMode, epochs, options.progressStream);
  const varList = vars.map((v) => v.variable);
  const xs = options.data.x;
  const ys = options.data.y;

  try {
    if (options.resume && cp) {
      const loaded = await readLatestCheckpoint(cp.dir);
      if (loaded) {
        try {
          checkResumable(loaded.state.config, config, loaded.path);
          for (const { name, variable } of vars) variable.assign(loaded.variables.tensors[name]);
          await importOptimizerState(optimizer, loaded.optimizer);
        } finally {
          for (const t of Object.values(loaded.variables.tensors)) t.dispose();
          disposeOptimizerState(loaded.optimizer);
        }
        rng = Rng.fromState(loaded.state.rng);
        history = structuredClone(loaded.state.history);
        delete history.stopped;
        history.resumedFrom = { epoch: loaded.state.epoch, step: loaded.state.step, checkpoint: loaded.name };
        startEpoch = loaded.state.epoch + 1;
      }
    }

    let stop: StopInfo | undefined;
    let stopRequest: string | undefined;
    const control: TrainControl = {
      stop(message?: string) {
        stopRequest = message ?? "stopped by a callback";
      },
    };
    const stepsPerEpoch = Math.ceil(n / batchSize);
    let termNames: string[] | undefined;

    for (let epoch = startEpoch; epoch <= epochs && !stop; epoch++) {
      const t0 = performance.now();
      const order = shuffle ? rng.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
      const sums = new Map<string, number>();
      let lossSum = 0;
      let seen = 0;
      progress.epochStart(epoch, stepsPerEpoch);

      for (let b = 0; b < stepsPerEpoch; b++) {
        if (options.stopAfterSteps !== undefined && history.steps >= options.stopAfterSteps) {
          stop = { reason: "stopAfterSteps", message: `stopped after ${history.steps} steps (stopAfterSteps)`, epoch, step: history.steps };
          break;
        }
        const idx = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
        const stepNo = history.steps + 1;
        const ctx: StepContext = { epoch, batch: b, step: stepNo, seed: deriveSeed(seed, "step", stepNo) };
        const { names, values } = await runStep(idx, ctx);

        if (termNames === undefined) termNames = names;
        else if (names.join("\u0000") !== termNames.join("\u0000")) {
          throw new SparsekitError(`${W}: lossTerms must return the same terms every step; got [${names.join(", ")}] at step ${stepNo}, earlier [${termNames.join(", ")}].`);
        }
        history.steps = stepNo;
        let total = 0;
        const terms: Record<string, number> = {};
        names.forEach((name, i) => {
          terms[name] = values[i];
          total += values[i];
          sums.set(name, (sums.get(name) ?? 0) + values[i] * idx.length);
        });
        lossSum += total * idx.length;
        seen += idx.length;
        progress.batch(b + 1, total);
        await options.callbacks?.onBatchEnd?.({ epoch, batch: b, step: stepNo, batchSize: idx.length, loss: total, terms }, control);
        if (stopRequest !== undefined && b < stepsPerEpoch - 1) {
          stop = { reason: "callback", message: stopRequest, epoch, step: history.steps };
          break;
        }
      }
      if (stop) break;

      const metrics = options.evaluate ? await options.evaluate(epoch) : {};
      checkMetrics(metrics, epoch);
      const terms: Record<string, number> = {};
      for (const [k, v] of sums) terms[k] = v / seen;
      const record: EpochRecord = {
        epoch,
        loss: lossSum / seen,
        terms,
        metrics: { ...metrics },
        seconds: (performance.now() - t0) / 1000,
        steps: history.steps,
      };
      history.epochs.push(record);
      progress.epochEnd(record);
      await options.callbacks?.onEpochEnd?.(record, control);
      if (stopRequest !== undefined) stop = { reason: "callback", message: stopRequest, epoch, step: history.steps };

      if (cp && (epoch % (cp.every ?? 1) === 0 || epoch === epochs || stop)) {
        const snapshot: NamedTensor[] = vars.map(({ name, variable }) => ({ name, tensor: variable }));
        await writeCheckpoint(cp.dir, {
          variables: snapshot,
          optimizer,
          state: { epoch, step: history.steps, rng: rng.state(), history, config },
          keep: cp.keep,
        });
      }
    }

    if (stop) history.stopped = stop;
    await options.callbacks?.onTrainEnd?.(history);
    return history;
  } finally {
    progress.close();
    if (ownsOptimizer) optimizer.dispose();
  }

  /** One optimizer step on the samples `idx`; returns the term values read back. */
  async function runStep(idx: Int32Array, ctx: StepContext): Promise<{ names: string[]; values: Float32Array }> {
    let names: string[] = [];
    let termVec: tf.Tensor | undefined;
    const indices = tf.tensor1d(idx, "int32");
    const batch: TrainBatch = { x: tf.gather(xs, indices) };
    if (ys !== undefined) batch.y = tf.gather(ys, indices);
    let grads: tf.NamedTensorMap | undefined;
    let value: tf.Scalar | undefined;
    const checkValues = ctx.step === 1 || ctx.step % valueCheckEvery === 0;
    try {
      ({ value, grads } = tf.variableGrads(() => {
        const terms = checkValues ? options.lossTerms(batch, ctx) : withoutValueChecks(() => options.lossTerms(batch, ctx));
        names = checkTerms(terms, ctx);
        const list = names.map((k) => terms[k]);
        termVec = tf.keep(tf.stack(list));
        return (list.length === 1 ? tf.add(list[0], 0) : tf.addN(list)) as tf.Scalar;
      }, varList));
      const values = (await termVec!.data()) as Float32Array;
      const bad = names.findIndex((_, i) => !Number.isFinite(values[i]));
      if (bad >= 0) {
        diverge(ctx, { kind: "term", name: names[bad], value: values[bad] }, `term '${names[bad]}' is ${describeValue(values[bad])}`);
      }
      const missing = vars.filter((v) => grads![v.variable.name] === undefined).map((v) => v.name);
      if (missing.length > 0) {
        throw new SparsekitError(`${W}: the loss does not depend on variable(s) ${missing.map((m) => `'${m}'`).join(", ")} (no gradient); remove them from 'variables'.`);
      }
      optimizer.applyGradients(grads);
      if (checkFinite === "all" && checkValues) checkVariables(ctx);
      return { names, values };
    } finally {
      indices.dispose();
      batch.x.dispose();
      batch.y?.dispose();
      termVec?.dispose();
      value?.dispose();
      if (grads) tf.dispose(grads);
    }
  }

  function checkTerms(terms: Record<string, tf.Scalar>, ctx: StepContext): string[] {
    if (terms == null || typeof terms !== "object" || Object.keys(terms).length === 0) {
      throw new SparsekitError(`${W}: lossTerms must return a non-empty record of scalar tensors (step ${ctx.step}).`);
    }
    for (const [k, t] of Object.entries(terms)) {
      if (!(t instanceof tf.Tensor) || t.rank !== 0) {
        const got = t instanceof tf.Tensor ? `a tensor of shape ${shapeString(t.shape)}` : typeof t;
        throw new SparsekitError(`${W}: lossTerms term '${k}' must be a scalar tensor, got ${got}.`);
      }
    }
    return Object.keys(terms);
  }

  function checkVariables(ctx: StepContext): void {
    const nonFinite = (t: tf.Tensor) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(t)), "float32"));
    const bad = tf.tidy(() => tf.addN(vars.map(({ variable }) => nonFinite(variable))).dataSync()[0]);
    if (bad === 0) return;
    for (const { name, variable } of vars) {
      const [nan, inf] = tf.tidy(() => [
        tf.sum(tf.cast(tf.isNaN(variable), "int32")).dataSync()[0],
        tf.sum(tf.cast(tf.isInf(variable), "int32")).dataSync()[0],
      ]);
      if (nan + inf > 0) {
        diverge(ctx, { kind: "variable", name }, `variable '${name}' became non-finite after the update (${nan} NaN and ${inf} infinite value(s))`);
      }
    }
  }

  function diverge(ctx: StepContext, culprit: { kind: "term" | "variable"; name: string; value?: number }, what: string): never {
    const message = `${W}: training diverged at step ${ctx.step} (epoch ${ctx.epoch}): ${what}`;
    history.stopped = { reason: "diverged", message, epoch: ctx.epoch, step: history.steps };
    throw new TrainingDivergedError(message, ctx.step, ctx.epoch, culprit, history);
  }

  function checkMetrics(metrics: Record<string, number>, epoch: number): void {
    if (metrics == null || typeof metrics !== "object") {
      throw new SparsekitError(`${W}: 'evaluate' must return a record of numbers, got ${String(metrics)} at epoch ${epoch}.`);
    }
    for (const [k, v] of Object.entries(metrics)) {
      if (typeof v !== "number") throw new SparsekitError(`${W}: 'evaluate' returned a non-number for metric '${k}' at epoch ${epoch}.`);
    }
  }
}

/** A checkpoint can only continue this run if the things that shape the computation match. */
function checkResumable(saved: CheckpointConfig, now: CheckpointConfig, where: string): void {
  const diffs: string[] = [];
  for (const key of ["seed", "batchSize", "shuffle", "numSamples"] as const) {
    if (saved[key] !== now[key]) diffs.push(`${key}: checkpoint ${JSON.stringify(saved[key])}, now ${JSON.stringify(now[key])}`);
  }
  if (JSON.stringify(saved.optimizer) !== JSON.stringify(now.optimizer)) {
    diffs.push(`optimizer: checkpoint ${JSON.stringify(saved.optimizer)}, now ${JSON.stringify(now.optimizer)}`);
  }
  const savedVars = new Map(saved.variables.map((v) => [v.name, v]));
  for (const v of now.variables) {
    const s = savedVars.get(v.name);
    if (!s) diffs.push(`variable '${v.name}' is not in the checkpoint (it has: ${[...savedVars.keys()].join(", ")})`);
    else if (s.shape.join(",") !== v.shape.join(",") || s.dtype !== v.dtype) {
      diffs.push(`variable '${v.name}': checkpoint ${s.dtype}${shapeString(s.shape)}, now ${v.dtype}${shapeString(v.shape)}`);
    }
  }
  if (saved.variables.length !== now.variables.length) diffs.push(`checkpoint has ${saved.variables.length} variables, now ${now.variables.length}`);
  if (diffs.length > 0) {
    throw new SparsekitError(`${W}: cannot resume from ${where}: ${diffs.join("; ")}.`);
  }
}
