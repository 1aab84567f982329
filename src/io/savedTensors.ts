import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { isTfjsUrl, resolveIoHandler } from "./resolveIoHandler.js";
import { getStorage, hasStorage } from "./storage.js";
import { loadTensorMap, TENSOR_MAP_FORMAT } from "./tensorMap.js";

/** Marks a tfjs model.json as one of sparsekit's own models (inside `modelTopology`). */
export const SAVED_TENSORS_FORMAT = "sparsekit-variable-model";
/** File stem of the tensor-map layout of sparsekit 0.1 (`<stem>.json` + `<stem>.bin`), still readable. */
const LEGACY_STEMS = ["model", "dictionary", "sslca"];

interface SavedTopology {
  sparsekit: { format: typeof SAVED_TENSORS_FORMAT; formatVersion: 1; kind: string; metadata: Record<string, unknown> };
}

export interface LoadedTensors {
  kind: string;
  metadata: Record<string, unknown>;
  /** Owned by the caller (dispose them). */
  tensors: Record<string, tf.Tensor>;
}

/**
 * Saves named tensors and JSON metadata as a standard tfjs model.json + weights, through any
 * tfjs IO handler: a directory path (over the installed storage), "file://dir" (Node),
 * "indexeddb://name", "downloads://name", or a tf.io.IOHandler. A model saved in a web page
 * therefore loads in Node and the other way round.
 */
export async function saveTensors(
  target: string | tf.io.IOHandler,
  kind: string,
  tensors: Record<string, tf.Tensor>,
  metadata: Record<string, unknown>,
  where: string,
): Promise<tf.io.SaveResult> {
  const handler = resolveIoHandler(target, "save", where);
  if (!handler.save) throw new SparsekitError(`${where}: the IO handler for ${String(target)} cannot save.`);
  const { data, specs } = await tf.io.encodeWeights(Object.entries(tensors).map(([name, tensor]) => ({ name, tensor })));
  const topology: SavedTopology = {
    sparsekit: { format: SAVED_TENSORS_FORMAT, formatVersion: 1, kind, metadata: JSON.parse(JSON.stringify(metadata)) as Record<string, unknown> },
  };
  return handler.save({
    modelTopology: topology as unknown as tf.io.ModelArtifacts["modelTopology"],
    format: SAVED_TENSORS_FORMAT,
    generatedBy: `sparsekit ${kind}`,
    weightSpecs: specs,
    weightData: data,
  });
}

/** Reads what {@link saveTensors} wrote and checks that it holds a `kind`. */
export async function loadTensors(target: string | tf.io.IOHandler, kind: string, where: string): Promise<LoadedTensors> {
  const loaded = (typeof target === "string" ? await readLegacy(target, where) : undefined) ?? (await readArtifacts(target, where));
  if (loaded.kind !== kind) {
    tf.dispose(Object.values(loaded.tensors));
    throw new SparsekitError(`${where}: '${String(target)}' holds a ${String(loaded.kind)}, not a ${kind}.`);
  }
  return loaded;
}

async function readArtifacts(target: string | tf.io.IOHandler, where: string): Promise<LoadedTensors> {
  const handler = resolveIoHandler(target, "load", where);
  if (!handler.load) throw new SparsekitError(`${where}: the IO handler for ${String(target)} cannot load.`);
  const artifacts = await handler.load();
  const topo = (artifacts.modelTopology as Partial<SavedTopology> | undefined)?.sparsekit;
  if (!topo || topo.format !== SAVED_TENSORS_FORMAT) {
    throw new SparsekitError(`${where}: ${String(target)} is not a saved sparsekit model (no "${SAVED_TENSORS_FORMAT}" topology).`);
  }
  if (!artifacts.weightSpecs || !artifacts.weightData) throw new SparsekitError(`${where}: ${String(target)} holds no weights.`);
  return { kind: topo.kind, metadata: topo.metadata ?? {}, tensors: tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs) };
}

/** A directory in the tensor-map layout of sparsekit 0.1, or undefined when `dir` is not one. */
async function readLegacy(dir: string, where: string): Promise<LoadedTensors | undefined> {
  if (!hasStorage() || isTfjsUrl(dir) || dir.endsWith(".json")) return undefined;
  const storage = getStorage(where);
  for (const stem of LEGACY_STEMS) {
    let head: { format?: unknown };
    try {
      head = JSON.parse(await storage.readText(storage.join(dir, `${stem}.json`))) as { format?: unknown };
    } catch {
      continue;
    }
    if (head?.format !== TENSOR_MAP_FORMAT) continue;
    const { metadata, tensors } = await loadTensorMap(dir, stem);
    const { kind, ...rest } = metadata;
    return { kind: String(kind), metadata: rest, tensors };
  }
  return undefined;
}
