import { promises as fs } from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { writeFileAtomic } from "./atomicWrite.js";
import { readWeightData, writeWeightData } from "./weightsFile.js";

export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";

/**
 * A `tf.io.IOHandler` that saves a model to / loads it from a directory with plain Node `fs`
 * (no tfjs-node). The layout is the standard tfjs one — `model.json` (topology + weights
 * manifest) and `weights.bin` — so tfjs-node's `file://dir/model.json` and the Python converter
 * read it too.
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
      await fs.mkdir(dir, { recursive: true });
      const weightsManifest = await writeWeightData(dir, WEIGHTS_BIN, artifacts.weightSpecs ?? [], artifacts.weightData ?? new ArrayBuffer(0));
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
      await writeFileAtomic(path.join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const where = "directoryHandler.load";
      const file = path.join(dir, MODEL_JSON);
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(await fs.readFile(file, "utf8")) as tf.io.ModelJSON;
      } catch (err) {
        throw new SparsekitError(`${where}: cannot read ${file}: ${(err as Error).message}.`);
      }
      if (json == null || typeof json !== "object" || json.modelTopology == null) {
        throw new SparsekitError(`${where}: ${file} has no 'modelTopology'; not a tfjs model.json.`);
      }
      return tf.io.getModelArtifactsForJSON(json, (manifest) => readWeightData(dir, manifest, where));
    },
  };
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
