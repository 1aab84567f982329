import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { getStorage, type Storage } from "./storage.js";
import { readWeightData, writeWeightData } from "./weightsFile.js";

export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";

/**
 * A `tf.io.IOHandler` that saves a model to / loads it from a directory over the installed
 * storage (the file system under `sparsekit/node`; no tfjs-node). The layout is the standard tfjs
 * one — `model.json` (topology + weights manifest) and `weights.bin` — so tfjs-node's
 * `file://dir/model.json` and the Python converter read it too. A path ending in ".json" names
 * the model file itself, e.g. the `name.json` (+ `name.weights.bin`) pair a browser's
 * "downloads://name" wrote.
 *
 * Usage: `await model.save(directoryHandler(dir))`, `await tf.loadLayersModel(directoryHandler(dir))`.
 * Only JSON topologies (LayersModel, converted GraphModel JSON) are supported.
 */
export function directoryHandler(dir: string): tf.io.IOHandler {
  if (typeof dir !== "string" || dir === "") {
    throw new SparsekitError(`directoryHandler: argument 'dir' must be a non-empty path string, got ${JSON.stringify(dir)}.`);
  }
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new SparsekitError("directoryHandler.save: binary (protobuf) topologies are not supported; expected a JSON topology.");
      }
      if (artifacts.modelTopology == null) {
        throw new SparsekitError("directoryHandler.save: the model artifacts have no 'modelTopology'.");
      }
      const storage = getStorage("directoryHandler.save");
      const { folder, jsonFile, binName } = locate(storage, dir);
      await storage.mkdir(folder);
      const weightsManifest = await writeWeightData(folder, binName, artifacts.weightSpecs ?? [], artifacts.weightData ?? new ArrayBuffer(0));
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest,
      };
      if (artifacts.trainingConfig != null) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.signature != null) json.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata != null) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.modelInitializer != null) json.modelInitializer = artifacts.modelInitializer;
      if (artifacts.initializerSignature != null) json.initializerSignature = artifacts.initializerSignature;
      await storage.writeAtomic(jsonFile, JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const where = "directoryHandler.load";
      const storage = getStorage(where);
      const { folder, jsonFile: file } = locate(storage, dir);
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(await storage.readText(file)) as tf.io.ModelJSON;
      } catch (err) {
        throw new SparsekitError(`${where}: cannot read ${file}: ${(err as Error).message}.`);
      }
      if (json == null || typeof json !== "object" || json.modelTopology == null) {
        throw new SparsekitError(`${where}: ${file} has no 'modelTopology'; not a tfjs model.json.`);
      }
      return tf.io.getModelArtifactsForJSON(json, (manifest) => readWeightData(folder, manifest, where));
    },
  };
}

/** The folder, model JSON file and weights file name a directoryHandler path stands for. */
function locate(storage: Storage, target: string): { folder: string; jsonFile: string; binName: string } {
  if (target.endsWith(".json")) {
    const folder = storage.dirname(target);
    const stem = target.slice(folder.length).replace(/^[\\/]+/, "").slice(0, -".json".length);
    return { folder, jsonFile: target, binName: `${stem}.weights.bin` };
  }
  return { folder: target, jsonFile: storage.join(target, MODEL_JSON), binName: WEIGHTS_BIN };
}

/** Saves a LayersModel (topology + weights, no optimizer) into `dir`. See {@link directoryHandler}. */
export async function saveModelToDirectory(model: tf.LayersModel, dir: string): Promise<tf.io.SaveResult> {
  if (!(model instanceof tf.LayersModel)) {
    throw new SparsekitError("saveModelToDirectory: argument 'model' must be a tf.LayersModel.");
  }
  return model.save(directoryHandler(dir));
}

/** Loads a LayersModel saved by {@link saveModelToDirectory} (or tfjs-node's file:// handler). */
export async function loadModelFromDirectory(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(directoryHandler(dir));
}
