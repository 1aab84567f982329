import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTensorMap, saveTensorMap } from "../../src/io/tensorMap.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

async function tmpDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-tmap-"));
}

describe("saveTensorMap / loadTensorMap", () => {
  it("round-trips float32, int32 and bool tensors bit for bit, in order, with metadata", async () => {
    const dir = await tmpDir();
    const w = tf.randomNormal([3, 4], 0, 1, "float32", 7);
    const tensors = {
      "layer/w": w,
      step: tf.scalar(41, "int32"),
      mask: tf.tensor1d([true, false, true], "bool"),
      tiny: tf.tensor1d([1e-38, -0, 3.4e38]),
    };
    await saveTensorMap(dir, "state", tensors, { epoch: 3, note: "x" });
    expect((await fs.readdir(dir)).sort()).toEqual(["state.bin", "state.json"]);

    const loaded = await loadTensorMap(dir, "state");
    expect(loaded.names).toEqual(["layer/w", "step", "mask", "tiny"]);
    expect(loaded.metadata).toEqual({ epoch: 3, note: "x" });
    for (const [name, t] of Object.entries(tensors)) {
      const back = loaded.tensors[name];
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(Array.from(back.dataSync())).toEqual(Array.from(t.dataSync()));
    }
  });

  it("accepts an ordered array of named tensors", async () => {
    const dir = await tmpDir();
    await saveTensorMap(dir, "m", [
      { name: "b", tensor: tf.tensor1d([1, 2]) },
      { name: "a", tensor: tf.tensor1d([3]) },
    ]);
    const loaded = await loadTensorMap(dir, "m");
    expect(loaded.names).toEqual(["b", "a"]);
    expect(Array.from(loaded.tensors.a.dataSync())).toEqual([3]);
  });

  it("rejects duplicate names, string tensors, disposed tensors and bad file stems", async () => {
    const dir = await tmpDir();
    const t = tf.tensor1d([1]);
    await expect(saveTensorMap(dir, "m", [{ name: "a", tensor: t }, { name: "a", tensor: t }])).rejects.toThrow(/unique, got 'a' twice/);
    await expect(saveTensorMap(dir, "m", { s: tf.tensor1d(["x"]) })).rejects.toThrow(/dtype "string"/);
    const gone = tf.tensor1d([1]);
    gone.dispose();
    await expect(saveTensorMap(dir, "m", { gone })).rejects.toThrow(/'gone' must be a live tf.Tensor/);
    await expect(saveTensorMap(dir, "../up", { t })).rejects.toThrow(/argument 'name' must be a plain file stem/);
  });

  it("rejects files that are not tensor maps", async () => {
    const dir = await tmpDir();
    await fs.writeFile(path.join(dir, "x.json"), JSON.stringify({ hello: 1 }));
    await expect(loadTensorMap(dir, "x")).rejects.toThrow(/not a sparsekit tensor map/);
    await expect(loadTensorMap(dir, "missing")).rejects.toThrow(/loadTensorMap: cannot read/);
  });
});
