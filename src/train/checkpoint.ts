import type * as tf from "@tensorflow/tfjs";
import { getStorage } from "../io/storage.js";
import { loadTensorMap, saveTensorMap, type LoadedTensorMap } from "../io/tensorMap.js";
import type { NamedTensor } from "../io/weightsFile.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import type { TrainHistory } from "./history.js";
import type { OptimizerSpec } from "./optimizer.js";
import { loadOptimizerState, saveOptimizerState, type OptimizerState } from "./optimizerState.js";
import type { RngState } from "../random/index.js";

/**
 * Checkpoint layout (one directory per checkpoint, written to a temporary name and renamed, then
 * `latest.json` is replaced atomically, so a crash mid-write never leaves a half checkpoint as
 * "latest"):
 *
 *   <dir>/latest.json                   { "checkpoint": "epoch-000003" }
 *   <dir>/epoch-000003/variables.json   tensor map manifest (names, shapes, dtypes) …
 *   <dir>/epoch-000003/variables.bin    … and values
 *   <dir>/epoch-000003/optimizer.json|.bin   optimizer state (see optimizerState.ts)
 *   <dir>/epoch-000003/state.json       epoch, step, RNG state, history, config
 */

export const CHECKPOINT_FORMAT = "sparsekit-checkpoint";
const LATEST = "latest.json";

/** What must match for a resumed run to continue the same computation. */
export interface CheckpointConfig {
  seed: number | string;
  batchSize: number;
  shuffle: boolean;
  numSamples: number;
  variables: { name: string; shape: number[]; dtype: string }[];
  optimizer: OptimizerSpec;
  /** The caller's own JSON config (informational, not compared). */
  user?: Record<string, unknown>;
}

export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: 1;
  /** Epochs completed (1-based number of the last one). */
  epoch: number;
  /** Optimizer steps completed. */
  step: number;
  /** Shuffling RNG state after `epoch`. */
  rng: RngState;
  history: TrainHistory;
  config: CheckpointConfig;
  savedAt: string;
}

export interface LoadedCheckpoint {
  name: string;
  path: string;
  state: CheckpointState;
  /** Variable values by name; the caller disposes them. */
  variables: LoadedTensorMap;
  /** Optimizer state; the caller disposes it (disposeOptimizerState). */
  optimizer: OptimizerState;
}

export function checkpointName(epoch: number): string {
  return `epoch-${String(epoch).padStart(6, "0")}`;
}

/** Checkpoint directory names present in `dir`, oldest first. */
export async function listCheckpoints(dir: string): Promise<string[]> {
  const entries = await getStorage("listCheckpoints").list(dir);
  return entries.filter((e) => /^epoch-\d{6,}$/.test(e)).sort();
}

/**
 * Writes one checkpoint and makes it the latest; keeps the newest `keep` (>= 1) checkpoints.
 * Returns the checkpoint's path.
 */
export async function writeCheckpoint(
  dir: string,
  contents: {
    variables: NamedTensor[];
    optimizer: tf.Optimizer;
    state: Omit<CheckpointState, "format" | "formatVersion" | "savedAt">;
    keep?: number;
  },
): Promise<string> {
  const storage = getStorage("writeCheckpoint");
  const name = checkpointName(contents.state.epoch);
  const final = storage.join(dir, name);
  const tmp = storage.join(dir, `${name}.partial-${Math.random().toString(36).slice(2)}`);
  await storage.mkdir(tmp);
  await saveTensorMap(tmp, "variables", contents.variables);
  await saveOptimizerState(contents.optimizer, tmp, "optimizer");
  const state: CheckpointState = {
    format: CHECKPOINT_FORMAT,
    formatVersion: 1,
    ...contents.state,
    savedAt: new Date().toISOString(),
  };
  await storage.writeAtomic(storage.join(tmp, "state.json"), JSON.stringify(state, null, 1));
  await storage.remove(final);
  await storage.rename(tmp, final);
  await storage.writeAtomic(storage.join(dir, LATEST), JSON.stringify({ checkpoint: name }) + "\n");
  const keep = contents.keep ?? 2;
  const all = await listCheckpoints(dir);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) {
    if (old !== name) await storage.remove(storage.join(dir, old));
  }
  return final;
}

/** Loads the checkpoint `latest.json` points to, or undefined when `dir` has none. */
export async function readLatestCheckpoint(dir: string): Promise<LoadedCheckpoint | undefined> {
  const where = "readLatestCheckpoint";
  const storage = getStorage(where);
  let latest: string;
  try {
    latest = await storage.readText(storage.join(dir, LATEST));
  } catch {
    return undefined;
  }
  let name: unknown;
  try {
    name = (JSON.parse(latest) as { checkpoint?: unknown }).checkpoint;
  } catch {
    name = undefined;
  }
  if (typeof name !== "string" || !/^epoch-\d{6,}$/.test(name)) {
    throw new SparsekitError(`${where}: ${storage.join(dir, LATEST)} is corrupt (expected {"checkpoint": "epoch-NNNNNN"}).`);
  }
  const cpPath = storage.join(dir, name);
  let state: CheckpointState;
  try {
    state = JSON.parse(await storage.readText(storage.join(cpPath, "state.json"))) as CheckpointState;
  } catch (err) {
    throw new SparsekitError(`${where}: cannot read ${storage.join(cpPath, "state.json")}: ${(err as Error).message}.`);
  }
  if (state.format !== CHECKPOINT_FORMAT || state.formatVersion !== 1) {
    throw new SparsekitError(`${where}: ${cpPath} is not a sparsekit checkpoint (format version 1).`);
  }
  const variables = await loadTensorMap(cpPath, "variables");
  const optimizer = await loadOptimizerState(cpPath, "optimizer");
  return { name, path: cpPath, state, variables, optimizer };
}
