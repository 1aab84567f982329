import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { getStorage } from "../io/storage.js";
import { loadModelFromDirectory, saveModelToDirectory } from "../io/modelDirectory.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import type { TrainHistory } from "./history.js";
import { isOptimizer, optimizerSpecSchema, type OptimizerSpec } from "./optimizer.js";
import { disposeOptimizerState, loadOptimizerState, restoreOptimizer, saveOptimizerState } from "./optimizerState.js";
import { penaltySpecSchema, resolvePenalties, type PenaltySpec } from "./penalties.js";
import { parseWith } from "./schemaError.js";

export const SPARSEKIT_JSON = "sparsekit.json";
const OPTIMIZER_STEM = "optimizer";

const metaSchema = z.object({
  format: z.literal("sparsekit-model"),
  formatVersion: z.literal(1),
  penalties: z.array(penaltySpecSchema),
  trainingConfig: z.record(z.string(), z.unknown()),
  optimizer: optimizerSpecSchema.optional(),
  history: z.unknown().optional(),
  savedAt: z.string(),
});

/** Contents of sparsekit.json. The optimizer's tensors are in optimizer.json / optimizer.bin. */
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

/**
 * Saves a model trained with sparsity penalties: the standard tfjs directory (model.json +
 * weights.bin, see directoryHandler) plus `sparsekit.json` (penalties, training config, history,
 * optimizer spec) and, with `optimizer`, its state as optimizer.json/.bin.
 * {@link loadSparseModel} reads it back; then `fitSparse(loaded.model, x, y, { penalties:
 * loaded.penalties, optimizer: loaded.optimizer, ... })` continues training.
 */
export async function saveSparseModel(model: tf.LayersModel, dir: string, options: SaveSparseModelOptions = {}): Promise<void> {
  const where = "saveSparseModel";
  if (!(model instanceof tf.LayersModel)) throw new SparsekitError(`${where}: argument 'model' must be a tf.LayersModel.`);
  if (typeof dir !== "string" || dir === "") throw new SparsekitError(`${where}: argument 'dir' must be a non-empty path.`);
  const penalties = resolvePenalties(model, options.penalties ?? [], where).map((p) => p.spec);
  if (options.optimizer !== undefined && !isOptimizer(options.optimizer)) {
    throw new SparsekitError(`${where}: option 'optimizer' must be a tf.Optimizer (the instance used for training).`);
  }
  const storage = getStorage(where);
  await saveModelToDirectory(model, dir);
  let optimizerSpec: OptimizerSpec | undefined;
  if (options.optimizer) {
    optimizerSpec = await saveOptimizerState(options.optimizer, dir, OPTIMIZER_STEM);
  } else {
    await storage.remove(storage.join(dir, `${OPTIMIZER_STEM}.json`));
    await storage.remove(storage.join(dir, `${OPTIMIZER_STEM}.bin`));
  }
  const meta: SparseModelMeta = {
    format: "sparsekit-model",
    formatVersion: 1,
    penalties,
    trainingConfig: (jsonClone(options.trainingConfig ?? {}, where, "trainingConfig") ?? {}) as Record<string, unknown>,
    ...(optimizerSpec ? { optimizer: optimizerSpec } : {}),
    ...(options.history ? { history: jsonClone(options.history, where, "history") } : {}),
    savedAt: new Date().toISOString(),
  };
  await storage.writeAtomic(storage.join(dir, SPARSEKIT_JSON), JSON.stringify(meta, null, 1));
}

/** Loads what {@link saveSparseModel} wrote; penalties are re-validated against the loaded model. */
export async function loadSparseModel(dir: string): Promise<LoadedSparseModel> {
  const where = "loadSparseModel";
  const storage = getStorage(where);
  const file = storage.join(dir, SPARSEKIT_JSON);
  let raw: unknown;
  try {
    raw = JSON.parse(await storage.readText(file));
  } catch (err) {
    throw new SparsekitError(`${where}: cannot read ${file}: ${(err as Error).message}.`);
  }
  const meta = parseWith(metaSchema, raw, where, SPARSEKIT_JSON);
  const model = await loadModelFromDirectory(dir);
  resolvePenalties(model, meta.penalties, where);
  const loaded: LoadedSparseModel = { model, penalties: meta.penalties, trainingConfig: meta.trainingConfig };
  if (meta.history !== undefined) loaded.history = meta.history as TrainHistory;
  if (meta.optimizer) {
    const state = await loadOptimizerState(dir, OPTIMIZER_STEM);
    try {
      loaded.optimizer = await restoreOptimizer(state);
    } finally {
      disposeOptimizerState(state);
    }
    loaded.optimizerSpec = state.spec;
  }
  return loaded;
}
