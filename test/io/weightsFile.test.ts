import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { readTensors, readWeightData, writeTensors, writeWeightData } from "../../src/io/weightsFile.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("weights files", () => {
  it("writes one .bin and a manifest that reads back to the same tensors", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-wf-"));
    const manifest = await writeTensors(dir, "w.bin", [
      { name: "x", tensor: tf.tensor2d([[1.5, -2], [3, 4]]) },
      { name: "i", tensor: tf.tensor1d([7, -8], "int32") },
    ]);
    expect(manifest).toEqual([
      {
        paths: ["w.bin"],
        weights: [
          { name: "x", shape: [2, 2], dtype: "float32" },
          { name: "i", shape: [2], dtype: "int32" },
        ],
      },
    ]);
    expect((await fs.stat(path.join(dir, "w.bin"))).size).toBe(24);
    const back = await readTensors(dir, manifest, "test");
    expect(back.map((t) => t.name)).toEqual(["x", "i"]);
    expect(Array.from(back[0].tensor.dataSync())).toEqual([1.5, -2, 3, 4]);
    expect(Array.from(back[1].tensor.dataSync())).toEqual([7, -8]);
  });

  it("concatenates several weight groups in manifest order", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-wf-"));
    const a = await writeTensors(dir, "a.bin", [{ name: "a", tensor: tf.tensor1d([1, 2]) }]);
    const b = await writeTensors(dir, "b.bin", [{ name: "b", tensor: tf.tensor1d([3]) }]);
    const [specs, data] = await readWeightData(dir, [...a, ...b], "test");
    expect(specs.map((s) => s.name)).toEqual(["a", "b"]);
    expect(Array.from(new Float32Array(data))).toEqual([1, 2, 3]);
  });

  it("refuses file names with directories and reports size mismatches", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-wf-"));
    await expect(writeWeightData(dir, "../x.bin", [], new ArrayBuffer(0))).rejects.toThrow(/plain file name/);
    const manifest = await writeTensors(dir, "w.bin", [{ name: "x", tensor: tf.tensor1d([1, 2, 3]) }]);
    manifest[0].weights[0].shape = [4];
    await expect(readWeightData(dir, manifest, "caller")).rejects.toThrow(/caller: weight files .* hold 12 bytes, expected 16/);
  });
});
