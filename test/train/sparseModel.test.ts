import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { fitSparse, type FitSparseOptions } from "../../src/train/fitSparse.js";
import type { TrainHistory } from "../../src/train/history.js";
import { createOptimizer } from "../../src/train/optimizer.js";
import type { PenaltySpec } from "../../src/train/penalties.js";
import { loadSparseModel, saveSparseModel } from "../../src/train/sparseModel.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const N = 64;
const x = tf.randomNormal([N, 4], 0, 1, "float32", 15);
const y = tf.tidy(() => tf.oneHot(tf.argMax(tf.matMul(x, tf.randomNormal([4, 3], 0, 1, "float32", 16)), 1), 3));
const penalties: PenaltySpec[] = [{ layer: "hidden", objective: "ovr", weight: 1e-3, options: { reduction: "sum" } }];

function mlp(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 10, inputShape: [4], activation: "relu", name: "hidden", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tf.layers.dense({ units: 3, activation: "softmax", name: "out", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  return m;
}

function stable(h: TrainHistory) {
  return h.epochs.map(({ seconds: _s, ...rest }) => rest);
}

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((t) => Array.from(t.dataSync()));

describe("saveSparseModel / loadSparseModel", () => {
  it("saves model, penalties, config, history and optimizer state; the reloaded model continues training exactly", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-sm-"));
    const model = mlp();
    const optimizer = createOptimizer({ name: "adam", learningRate: 0.02 });
    const opts: FitSparseOptions = { loss: "categoricalCrossentropy", optimizer, penalties, epochs: 4, batchSize: 16, seed: 3, progress: "none" };
    const h1 = await fitSparse(model, x, y, opts);
    const trainingConfig = { loss: "categoricalCrossentropy", epochs: 4, batchSize: 16, seed: 3 };
    await saveSparseModel(model, dir, { penalties, trainingConfig, optimizer, history: h1 });
    // One standard tfjs model: metadata in model.json, optimizer state as extra weights.
    expect((await fs.readdir(dir)).sort()).toEqual(["model.json", "weights.bin"]);

    const loaded = await loadSparseModel(dir);
    expect(loaded.penalties).toEqual(penalties);
    expect(loaded.trainingConfig).toEqual(trainingConfig);
    expect(loaded.history).toEqual(h1);
    expect(loaded.optimizerSpec).toMatchObject({ name: "adam", learningRate: 0.02 });
    expect(weightsOf(loaded.model)).toEqual(weightsOf(model));

    // Continue both the original (model + live optimizer) and the reloaded copy: same numbers.
    const more = { ...opts, epochs: 3, seed: 4 };
    const hOrig = await fitSparse(model, x, y, more);
    const hLoaded = await fitSparse(loaded.model, x, y, { ...more, optimizer: loaded.optimizer, penalties: loaded.penalties });
    expect(stable(hLoaded)).toEqual(stable(hOrig));
    expect(weightsOf(loaded.model)).toEqual(weightsOf(model));
    expect(Object.keys(hLoaded.epochs[0].terms)).toEqual(["task", "hidden/ovr"]);
    // It picks up where it was: the loss keeps decreasing from the saved run's last epoch.
    expect(hLoaded.epochs[0].loss).toBeLessThan(h1.epochs[0].loss);
    expect(hLoaded.epochs[2].loss).toBeLessThan(h1.epochs[3].loss);

    // A fresh optimizer instead restarts Adam's moments: the path differs.
    const fresh = await loadSparseModel(dir);
    const hFresh = await fitSparse(fresh.model, x, y, { ...more, optimizer: { name: "adam", learningRate: 0.02 } });
    expect(stable(hFresh)).not.toEqual(stable(hLoaded));
    optimizer.dispose();
    loaded.optimizer?.dispose();
    fresh.optimizer?.dispose();
  });

  it("works without optimizer and penalties, and overwrites an earlier save with its optimizer state", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-sm-"));
    const model = mlp();
    const opt = createOptimizer({ name: "sgd", learningRate: 0.1 });
    await saveSparseModel(model, dir, { optimizer: opt });
    await saveSparseModel(model, dir);
    const loaded = await loadSparseModel(dir);
    expect(loaded.optimizer).toBeUndefined();
    expect(loaded.penalties).toEqual([]);
    expect(loaded.trainingConfig).toEqual({});
    expect((await fs.readdir(dir)).sort()).toEqual(["model.json", "weights.bin"]);
    // Still a plain tfjs model for tools that know nothing of sparsekit.
    const plain = await tf.loadLayersModel(`file://${dir}/model.json`);
    expect(weightsOf(plain)).toEqual(weightsOf(model));
  });

  it("saves to and loads from any tfjs IO handler (as a web page would with indexeddb:// or downloads://)", async () => {
    const model = mlp();
    const optimizer = createOptimizer({ name: "adam", learningRate: 0.02 });
    await fitSparse(model, x, y, { loss: "categoricalCrossentropy", optimizer, penalties, epochs: 1, batchSize: 16, seed: 1, progress: "none" });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await saveSparseModel(model, tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) })), { penalties, optimizer });
    const before = tf.memory().numTensors;
    const loaded = await loadSparseModel(tf.io.fromMemory(artifacts!));
    expect(weightsOf(loaded.model)).toEqual(weightsOf(model));
    expect(loaded.penalties).toEqual(penalties);
    loaded.model.dispose();
    loaded.optimizer?.dispose();
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
  });

  it("validates what it saves and what it loads", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-sm-"));
    const model = mlp();
    await expect(saveSparseModel(model, dir, { penalties: [{ layer: "nope", objective: "l1", weight: 1 }] })).rejects.toThrow(
      /saveSparseModel: penalty \[0\] \(nope\/l1\): layer 'nope' is not in the model; its layers are: hidden, out/,
    );
    await expect(saveSparseModel(model, dir, { trainingConfig: { big: 10n } as never })).rejects.toThrow(/'trainingConfig' must be JSON-serialisable/);
    await saveSparseModel(model, dir, { penalties });
    const file = path.join(dir, "model.json");
    const json = JSON.parse(await fs.readFile(file, "utf8"));
    json.userDefinedMetadata.sparsekit.penalties[0].weight = -1;
    await fs.writeFile(file, JSON.stringify(json));
    await expect(loadSparseModel(dir)).rejects.toThrow(/loadSparseModel: argument 'userDefinedMetadata.sparsekit' is invalid: penalties\[0\]\.weight/);
    delete json.userDefinedMetadata;
    await fs.writeFile(file, JSON.stringify(json));
    await expect(loadSparseModel(dir)).rejects.toThrow(/loadSparseModel: .* has no sparsekit metadata/);
    await fs.rm(file);
    await expect(loadSparseModel(dir)).rejects.toThrow(/cannot read .*model.json/);
  });
});
