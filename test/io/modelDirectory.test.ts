import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { directoryHandler, loadModelFromDirectory, saveModelToDirectory } from "../../src/io/modelDirectory.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

async function tmpDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-model-"));
}

function smallModel(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 5, inputShape: [3], activation: "relu", name: "hidden", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tf.layers.dense({ units: 2, activation: "softmax", name: "out", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  return m;
}

describe("directoryHandler", () => {
  it("writes the standard tfjs layout and reloads identical weights and predictions", async () => {
    const dir = await tmpDir();
    const model = smallModel();
    const info = await saveModelToDirectory(model, dir);
    expect(info.modelArtifactsInfo.weightDataBytes).toBe((3 * 5 + 5 + 5 * 2 + 2) * 4);

    const files = (await fs.readdir(dir)).sort();
    expect(files).toEqual(["model.json", "weights.bin"]);
    const json = JSON.parse(await fs.readFile(path.join(dir, "model.json"), "utf8"));
    expect(json.format).toBe("layers-model");
    expect(json.weightsManifest[0].paths).toEqual(["weights.bin"]);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(model.weights.map((w) => w.name));

    const loaded = await loadModelFromDirectory(dir);
    expect(loaded.layers.map((l) => l.name)).toEqual(["hidden", "out"]);
    const a = model.getWeights();
    const b = loaded.getWeights();
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) {
      expect(Array.from(b[i].dataSync())).toEqual(Array.from(a[i].dataSync()));
      expect(b[i].shape).toEqual(a[i].shape);
    }
    const x = tf.tensor2d([[0.1, -0.4, 2], [1, 1, -1]]);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });

  it("works through model.save / tf.loadLayersModel for functional models", async () => {
    const dir = await tmpDir();
    const input = tf.input({ shape: [4] });
    const h = tf.layers.dense({ units: 3, activation: "tanh", name: "enc" }).apply(input) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 4, name: "dec" }).apply(h) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    await model.save(directoryHandler(dir));
    const loaded = await tf.loadLayersModel(directoryHandler(dir));
    const x = tf.randomNormal([2, 4], 0, 1, "float32", 3);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });

  it("fails clearly on a missing directory or a truncated weights file", async () => {
    const dir = await tmpDir();
    await expect(loadModelFromDirectory(path.join(dir, "nope"))).rejects.toThrow(/directoryHandler.load: cannot read .*model.json/);
    await saveModelToDirectory(smallModel(), dir);
    const bin = path.join(dir, "weights.bin");
    const bytes = await fs.readFile(bin);
    await fs.writeFile(bin, bytes.subarray(0, bytes.length - 4));
    await expect(loadModelFromDirectory(dir)).rejects.toThrow(SparsekitError);
    await expect(loadModelFromDirectory(dir)).rejects.toThrow(/hold 124 bytes, expected 128/);
  });

  it("rejects weight paths escaping the directory", async () => {
    const dir = await tmpDir();
    await saveModelToDirectory(smallModel(), dir);
    const jsonPath = path.join(dir, "model.json");
    const json = JSON.parse(await fs.readFile(jsonPath, "utf8"));
    json.weightsManifest[0].paths = ["../elsewhere.bin"];
    await fs.writeFile(jsonPath, JSON.stringify(json));
    await expect(loadModelFromDirectory(dir)).rejects.toThrow(/points outside the directory/);
  });

  it("validates its arguments", () => {
    expect(() => directoryHandler("")).toThrow(/directoryHandler: argument 'dir'/);
  });
});
