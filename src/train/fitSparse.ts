import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertTensor, shapeString } from "../validation/tensorChecks.js";
import type { TrainHistory } from "./history.js";
import type { OptimizerSpec } from "./optimizer.js";
import { penaltyInput, resolvePenalties, type PenaltySpec, type ResolvedPenalty } from "./penalties.js";
import type { ProgressMode, ProgressSink } from "./progress.js";
import { checkTargets, resolveTaskLoss, type TaskLoss, type TaskLossFn, type TaskLossName } from "./taskLoss.js";
import { train, type CheckpointOptions, type TrainCallbacks } from "./train.js";

export interface FitSparseOptions {
  /** Task loss: a tfjs-layers name (predictions are probabilities) or (yTrue, yPred) => tensor. */
  loss: TaskLossName | TaskLossFn;
  /** Spec or instance (pass an instance to keep its state, e.g. for saveSparseModel). Default adam 1e-3. */
  optimizer?: OptimizerSpec | tf.Optimizer;
  /** Activity penalties on named layers' outputs; default none. */
  penalties?: PenaltySpec[];
  epochs: number;
  /** Default 32; the last partial batch of an epoch is kept. */
  batchSize?: number;
  /** Seeds the shuffling (and nothing else: initialise the model with seeded initialisers). Default 0. */
  seed?: number;
  shuffle?: boolean;
  /** [x, y] evaluated after every epoch: metrics valLoss (task loss) and valAccuracy (classification losses). */
  validationData?: [tf.Tensor, tf.Tensor];
  callbacks?: TrainCallbacks;
  progress?: ProgressMode;
  progressStream?: ProgressSink;
  checkpoint?: CheckpointOptions;
  resume?: boolean;
  stopAfterSteps?: number;
}

const KNOWN = [
  "loss", "optimizer", "penalties", "epochs", "batchSize", "seed", "shuffle", "validationData", "callbacks", "progress",
  "progressStream", "checkpoint", "resume", "stopAfterSteps",
] as const;

const W = "fitSparse";

function singleSymbolic(model: tf.LayersModel): { input: tf.SymbolicTensor; output: tf.SymbolicTensor } {
  const inputs = model.inputs;
  const outputs = model.outputs;
  if (!Array.isArray(inputs) || inputs.length === 0 || !Array.isArray(outputs) || outputs.length === 0) {
    throw new SparsekitError(`${W}: argument 'model' is not built; give its first layer an inputShape (or use tf.model with tf.input).`);
  }
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new SparsekitError(`${W}: argument 'model' must have one input and one output, got ${inputs.length} input(s) and ${outputs.length} output(s).`);
  }
  return { input: inputs[0], output: outputs[0] };
}

function layerOutput(layer: tf.layers.Layer): tf.SymbolicTensor {
  let out: tf.SymbolicTensor | tf.SymbolicTensor[];
  try {
    out = layer.output;
  } catch {
    throw new SparsekitError(`${W}: layer '${layer.name}' is used at several places in the model (shared layer); its output is ambiguous, so it cannot carry a penalty.`);
  }
  if (Array.isArray(out)) {
    if (out.length !== 1) throw new SparsekitError(`${W}: layer '${layer.name}' has ${out.length} outputs; penalties need a single-output layer.`);
    out = out[0];
  }
  return out;
}

function checkSamples(x: unknown, y: unknown, xArg: string, yArg: string, inputShape: (number | null)[]): void {
  assertTensor(x, W, xArg);
  assertTensor(y, W, yArg);
  const want = inputShape.slice(1);
  const same = x.rank === inputShape.length && want.every((d, i) => d == null || d === x.shape[i + 1]);
  if (!same) {
    throw new SparsekitError(`${W}: argument '${xArg}' must have shape ${shapeString([-1, ...want.map((d) => d ?? -1)])} (the model input, -1 = any), got ${shapeString(x.shape)}.`);
  }
  if (y.shape[0] !== x.shape[0]) {
    throw new SparsekitError(`${W}: argument '${yArg}' must have ${x.shape[0]} samples like '${xArg}', got shape ${shapeString(y.shape)}.`);
  }
}

/**
 * Trains any single-input, single-output tf.LayersModel (Sequential or functional, built) on
 * `task_loss(y, model(x)) + sum_p weight_p * objective_p(output of layer_p)` — activity
 * regularisation, which tfjs-layers 4.22 cannot do itself (activityRegularizer throws
 * NotImplementedError; addLoss inside call() breaks fit()).
 *
 * How: a functional model from model.inputs to [model output, the penalised layers' outputs]
 * shares the layers, so ONE forward pass gives the prediction and the codes; the objectives come
 * from the registry (src/objectives/registry.ts, SPEC §1) and the sum is minimised over
 * model.trainableWeights with {@link train} (seeded shuffling, checkpoints/resume, NaN checks).
 * The forward pass runs with training = true (dropout active; a Dropout layer without its own
 * seed makes runs non-reproducible). "codes" objectives receive rank > 2 outputs flattened to
 * B x features.
 *
 * @returns the history: per epoch `loss` (total), `terms.task` and one term per penalty, named
 *   "<layer>/<objective>" (weighted, so the terms sum to the loss), and `metrics.valLoss` /
 *   `metrics.valAccuracy` with validationData (accuracy for the classification losses).
 */
export async function fitSparse(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, options: FitSparseOptions): Promise<TrainHistory> {
  if (!(model instanceof tf.LayersModel)) throw new SparsekitError(`${W}: argument 'model' must be a tf.LayersModel.`);
  if (options == null || typeof options !== "object") throw new SparsekitError(`${W}: argument 'options' must be an object with at least 'loss' and 'epochs'.`);
  assertKnownOptions(options, W, KNOWN);
  assertNumberOption(options.epochs, W, "epochs", { min: 1, integer: true });
  const task = resolveTaskLoss(options.loss, W);
  const { input, output } = singleSymbolic(model);
  checkSamples(x, y, "x", "y", input.shape);
  checkTargets(task, y, output.shape, W, "y");
  if (options.validationData !== undefined) {
    if (!Array.isArray(options.validationData) || options.validationData.length !== 2) {
      throw new SparsekitError(`${W}: option 'validationData' must be [x, y].`);
    }
    checkSamples(options.validationData[0], options.validationData[1], "validationData[0]", "validationData[1]", input.shape);
    checkTargets(task, options.validationData[1], output.shape, W, "validationData[1]");
  }
  const penalties = resolvePenalties(model, options.penalties, W);

  // One output per penalised layer (several penalties may share a layer).
  const layers: tf.layers.Layer[] = [];
  for (const p of penalties) if (!layers.includes(p.layer)) layers.push(p.layer);
  const probe = tf.model({ inputs: input, outputs: [output, ...layers.map(layerOutput)] });
  const outputIndex = new Map<ResolvedPenalty, number>(penalties.map((p) => [p, 1 + layers.indexOf(p.layer)]));

  const variables: Record<string, tf.Variable> = {};
  for (const w of model.trainableWeights) {
    const key = w.originalName;
    if (variables[key] !== undefined) throw new SparsekitError(`${W}: two trainable weights of the model are both named '${key}'; rename a layer.`);
    variables[key] = w.read() as tf.Variable;
  }
  if (Object.keys(variables).length === 0) throw new SparsekitError(`${W}: argument 'model' has no trainable weights.`);

  const batchSize = options.batchSize ?? 32;
  return train({
    variables,
    data: { x, y },
    lossTerms: ({ x: bx, y: by }) => {
      const outs = probe.apply(bx, { training: true }) as tf.Tensor | tf.Tensor[];
      const list = Array.isArray(outs) ? outs : [outs];
      const terms: Record<string, tf.Scalar> = { task: task.fn(by!, list[0]) };
      for (const p of penalties) {
        const value = p.objective.fn(penaltyInput(p, list[outputIndex.get(p)!]), p.options);
        terms[p.name] = tf.mul(p.weight, value) as tf.Scalar;
      }
      return terms;
    },
    epochs: options.epochs,
    batchSize,
    optimizer: options.optimizer,
    seed: options.seed,
    shuffle: options.shuffle,
    callbacks: options.callbacks,
    progress: options.progress,
    progressStream: options.progressStream,
    checkpoint: options.checkpoint,
    resume: options.resume,
    stopAfterSteps: options.stopAfterSteps,
    evaluate: options.validationData ? () => evaluateTask(model, task, options.validationData!, batchSize) : undefined,
    config: { loss: task.name, penalties: penalties.map((p) => p.spec) },
  });
}

/** Sample-weighted task loss (and accuracy) of `model` on [x, y], in batches, inference mode. */
function evaluateTask(model: tf.LayersModel, task: TaskLoss, [x, y]: [tf.Tensor, tf.Tensor], batchSize: number): Record<string, number> {
  const n = x.shape[0];
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const [l, a] = tf.tidy(() => {
      const bx = tf.slice(x, start, size);
      const by = tf.slice(y, start, size);
      const pred = model.predict(bx) as tf.Tensor;
      return [task.fn(by, pred).dataSync()[0], task.accuracy ? task.accuracy(by, pred).dataSync()[0] : 0];
    });
    loss += l * size;
    correct += a * size;
  }
  const metrics: Record<string, number> = { valLoss: loss / n };
  if (task.accuracy) metrics.valAccuracy = correct / n;
  return metrics;
}
