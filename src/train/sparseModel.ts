import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { resolveIoHandler } from "../io/resolveIoHandler.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import type { TrainHistory } from "./history.js";
import { isOptimizer, optimizerSpecSchema, type OptimizerSpec } from "./optimizer.js";
import { disposeOptimizerState, exportOptimizerState, restoreOptimizer } from "./optimizerState.js";
import { penaltySpecSchema, resolvePenalties, type PenaltySpec } from "./penalties.js";
import { parseWith } from "./schemaError.js";


const metaSchema = z.object({
  format: z.literal("sparsekit-model"),
  formatVersion: z.literal(1),
  penalties: z.array(penaltySpecSchema),
  trainingConfig: z.record(z.string(), z.unknown()),
  optimizer: optimizerSpecSchema.optional(),
  history: z.unknown().optional(),
  savedAt: z.string(),
});

/** The model's `userDefinedMetadata.sparsekit`; the optimizer's tensors are weights named "sparsekit/optimizer/…". */
export type SparseModelMeta = z.infer<typeof metaSchema>;

export interface SaveSparseModelOptions {
  /** The penalties the model was trained with (validated against the model). */
  penalties?: PenaltySpec[];
  /** Any JSON: loss name, epochs, batch size, seed, data description... */
  trainingConfig?: Record<string, unknown>;
  /** Save this optimizer's state too, so training can continue exactly where it stopped. */
  optimizer?: tf.Optimizer;
  /** The training history so far (JSON). */
  history?: TrainHistory;
}

export interface LoadedSparseModel {
  model: tf.LayersModel;
  penalties: PenaltySpec[];
  trainingConfig: Record<string, unknown>;
  history?: TrainHistory;
  /** The restored optimizer (same kind, settings and state), when one was saved; the caller disposes it. */
  optimizer?: tf.Optimizer;
  optimizerSpec?: OptimizerSpec;
}

function jsonClone(value: unknown, where: string, arg: string): unknown {
  try {
    return JSON.parse(JSON.stringify(value));
  } catch (err) {
    throw new SparsekitError(`${where}: option '${arg}' must be JSON-serialisable: ${(err as Error).message}.`);
  }
}

const OPTIMIZER_PREFIX = "sparsekit/optimizer/";

/** Captures what a LayersModel would save (topology, weights, training config). */
async function layersArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return captured!;
}

/**
 * Saves a model trained with sparsity penalties as one standard tfjs model (model.json +
 * weights): the penalties, training config, history and optimizer spec ride in
 * `userDefinedMetadata.sparsekit`, and with `optimizer` its state is stored as extra weights
 * named "sparsekit/optimizer/…", so training can continue exactly where it stopped.
 * `target`: a directory path (Node, through sparsekit/node), a tfjs URL ("indexeddb://name",
 * "downloads://name", "file://dir") or a tf.io.IOHandler — a model saved in a page loads in Node.
 * {@link loadSparseModel} reads it back; then `fitSparse(loaded.model, x, y, { penalties:
 * loaded.penalties, optimizer: loaded.optimizer, ... })` continues training.
 */
export async function saveSparseModel(model: tf.LayersModel, target: string | tf.io.IOHandler, options: SaveSparseModelOptions = {}): Promise<tf.io.SaveResult> {
  const where = "saveSparseModel";
  if (!(model instanceof tf.LayersModel)) throw new SparsekitError(`${where}: argument 'model' must be a tf.LayersModel.`);
  const handler = resolveIoHandler(target, "save", where);
  if (!handler.save) throw new SparsekitError(`${where}: the IO handler for ${String(target)} cannot save.`);
  const penalties = resolvePenalties(model, options.penalties ?? [], where).map((p) => p.spec);
  if (options.optimizer !== undefined && !isOptimizer(options.optimizer)) {
    throw new SparsekitError(`${where}: option 'optimizer' must be a tf.Optimizer (the instance used for training).`);
  }
  const trainingConfig = (jsonClone(options.trainingConfig ?? {}, where, "trainingConfig") ?? {}) as Record<string, unknown>;
  const history = options.history ? jsonClone(options.history, where, "history") : undefined;
  const artifacts = await layersArtifacts(model);
  let optimizerSpec: OptimizerSpec | undefined;
  if (options.optimizer) {
    const state = await exportOptimizerState(options.optimizer);
    try {
      optimizerSpec = state.spec;
      const encoded = await tf.io.encodeWeights(state.weights.map(({ name, tensor }) => ({ name: OPTIMIZER_PREFIX + name, tensor })));
      artifacts.weightSpecs = [...(artifacts.weightSpecs ?? []), ...encoded.specs];
      artifacts.weightData = tf.io.concatenateArrayBuffers([
        tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)),
        tf.io.CompositeArrayBuffer.join(encoded.data),
      ]);
    } finally {
      disposeOptimizerState(state);
    }
  }
  const meta: SparseModelMeta = {
    format: "sparsekit-model",
    formatVersion: 1,
    penalties,
    trainingConfig,
    ...(optimizerSpec ? { optimizer: optimizerSpec } : {}),
    ...(history !== undefined ? { history } : {}),
    savedAt: new Date().toISOString(),
  };
  artifacts.userDefinedMetadata = { ...(artifacts.userDefinedMetadata ?? {}), sparsekit: meta };
  return handler.save(artifacts);
}

/** Loads what {@link saveSparseModel} wrote (same kinds of target); penalties are re-validated against the loaded model. */
export async function loadSparseModel(target: string | tf.io.IOHandler): Promise<LoadedSparseModel> {
  const where = "loadSparseModel";
  const handler = resolveIoHandler(target, "load", where);
  if (!handler.load) throw new SparsekitError(`${where}: the IO handler for ${String(target)} cannot load.`);
  const artifacts = await handler.load();
  const raw = (artifacts.userDefinedMetadata as { sparsekit?: unknown } | undefined)?.sparsekit;
  if (raw === undefined) {
    throw new SparsekitError(`${where}: ${String(target)} has no sparsekit metadata (userDefinedMetadata.sparsekit); load a plain tfjs model with tf.loadLayersModel.`);
  }
  const meta = parseWith(metaSchema, raw, where, "userDefinedMetadata.sparsekit");
  const all = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), artifacts.weightSpecs ?? []);
  const modelNames = (artifacts.weightSpecs ?? []).map((s) => s.name).filter((n) => !n.startsWith(OPTIMIZER_PREFIX));
  try {
    const encoded = await tf.io.encodeWeights(modelNames.map((name) => ({ name, tensor: all[name] })));
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: artifacts.modelTopology, weightSpecs: encoded.specs, weightData: encoded.data, trainingConfig: artifacts.trainingConfig }),
    );
    resolvePenalties(model, meta.penalties, where);
    const loaded: LoadedSparseModel = { model, penalties: meta.penalties, trainingConfig: meta.trainingConfig };
    if (meta.history !== undefined) loaded.history = meta.history as TrainHistory;
    if (meta.optimizer) {
      const weights = (artifacts.weightSpecs ?? [])
        .filter((s) => s.name.startsWith(OPTIMIZER_PREFIX))
        .map((s) => ({ name: s.name.slice(OPTIMIZER_PREFIX.length), tensor: all[s.name] }));
      loaded.optimizer = await restoreOptimizer({ spec: meta.optimizer, weights });
      loaded.optimizerSpec = meta.optimizer;
    }
    return loaded;
  } finally {
    tf.dispose(Object.values(all));
  }
}
