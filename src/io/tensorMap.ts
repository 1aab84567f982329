import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { getStorage } from "./storage.js";
import { readTensors, writeTensors, type NamedTensor } from "./weightsFile.js";

export const TENSOR_MAP_FORMAT = "sparsekit-tensors";

/** Contents of `<name>.json`: the tfjs weights manifest plus free JSON metadata. */
export interface TensorMapFile {
  format: typeof TENSOR_MAP_FORMAT;
  formatVersion: 1;
  weightsManifest: tf.io.WeightsManifestConfig;
  metadata: Record<string, unknown>;
}

export interface LoadedTensorMap {
  /** Names in the order they were saved. */
  names: string[];
  /** The tensors, owned by the caller (dispose them). */
  tensors: Record<string, tf.Tensor>;
  metadata: Record<string, unknown>;
}

const NAME_RE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

function checkName(name: string, where: string): void {
  if (typeof name !== "string" || !NAME_RE.test(name)) {
    throw new SparsekitError(
      `${where}: argument 'name' must be a plain file stem (letters, digits, '_', '-', '.'), got ${JSON.stringify(name)}.`,
    );
  }
}

/**
 * Saves a named map of numeric tensors as `dir/<name>.json` (manifest: names, shapes, dtypes;
 * plus `metadata`) and `dir/<name>.bin` (values), the same layout tfjs uses for model weights.
 * Order is kept. The .bin is written before the .json, both atomically, so a present .json always
 * describes a complete .bin. Used for checkpoints and optimizer state.
 *
 * @param tensors array of { name, tensor } or a record name -> tensor; names must be unique.
 * @param metadata JSON-serialisable extra data stored in the .json.
 */
export async function saveTensorMap(
  dir: string,
  name: string,
  tensors: NamedTensor[] | Record<string, tf.Tensor>,
  metadata: Record<string, unknown> = {},
): Promise<void> {
  const where = "saveTensorMap";
  checkName(name, where);
  const list: NamedTensor[] = Array.isArray(tensors)
    ? tensors
    : Object.entries(tensors).map(([n, t]) => ({ name: n, tensor: t }));
  const seen = new Set<string>();
  for (const { name: n, tensor } of list) {
    if (seen.has(n)) throw new SparsekitError(`${where}: tensor names must be unique, got '${n}' twice.`);
    seen.add(n);
    if (!(tensor instanceof tf.Tensor) || tensor.isDisposed) {
      throw new SparsekitError(`${where}: tensor '${n}' must be a live tf.Tensor.`);
    }
    if (tensor.dtype === "string") {
      throw new SparsekitError(`${where}: tensor '${n}' must be numeric or bool, got dtype "string".`);
    }
  }
  const storage = getStorage(where);
  await storage.mkdir(dir);
  const weightsManifest = await writeTensors(dir, `${name}.bin`, list);
  const file: TensorMapFile = { format: TENSOR_MAP_FORMAT, formatVersion: 1, weightsManifest, metadata };
  await storage.writeAtomic(storage.join(dir, `${name}.json`), JSON.stringify(file, null, 1));
}

/** Loads what {@link saveTensorMap} wrote. Throws SparsekitError naming the file if anything is off. */
export async function loadTensorMap(dir: string, name: string): Promise<LoadedTensorMap> {
  const where = "loadTensorMap";
  checkName(name, where);
  const storage = getStorage(where);
  const jsonPath = storage.join(dir, `${name}.json`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await storage.readText(jsonPath));
  } catch (err) {
    throw new SparsekitError(`${where}: cannot read ${jsonPath}: ${(err as Error).message}.`);
  }
  const file = parsed as Partial<TensorMapFile>;
  if (file?.format !== TENSOR_MAP_FORMAT || file.formatVersion !== 1 || !Array.isArray(file.weightsManifest)) {
    throw new SparsekitError(`${where}: ${jsonPath} is not a sparsekit tensor map (format "${TENSOR_MAP_FORMAT}", version 1).`);
  }
  const list = await readTensors(dir, file.weightsManifest, where);
  const tensors: Record<string, tf.Tensor> = {};
  for (const { name: n, tensor } of list) tensors[n] = tensor;
  return { names: list.map((t) => t.name), tensors, metadata: file.metadata ?? {} };
}
