import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it } from "vitest";
import { memoryStorage } from "../../src/io/memoryStorage.js";
import { nodeStorage } from "../../src/io/nodeStorage.js";
import { loadTensors, saveTensors } from "../../src/io/savedTensors.js";
import { setStorage } from "../../src/io/storage.js";
import { saveTensorMap } from "../../src/io/tensorMap.js";

describe("saveTensors / loadTensors", () => {
  afterEach(() => setStorage(nodeStorage));

  it("round-trips tensors and metadata through a directory, a memory IO handler and memory storage", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sparsekit-saved-"));
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const b = tf.tensor1d([5, 6, 7], "int32");
    await saveTensors(dir, "Thing", { a, b }, { config: { k: 2 } }, "test");
    const back = await loadTensors(dir, "Thing", "test");
    expect(back.metadata).toEqual({ config: { k: 2 } });
    expect(back.tensors.a.arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(back.tensors.b.dtype).toBe("int32");
    tf.dispose(Object.values(back.tensors));

    let artifacts: tf.io.ModelArtifacts | undefined;
    await saveTensors(tf.io.withSaveHandler(async (x) => ((artifacts = x), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } })), "Thing", { a }, {}, "test");
    const fromMemory = await loadTensors(tf.io.fromMemory(artifacts!), "Thing", "test");
    expect(fromMemory.tensors.a.arraySync()).toEqual([[1, 2], [3, 4]]);
    tf.dispose(Object.values(fromMemory.tensors));

    setStorage(memoryStorage());
    await saveTensors("/m", "Thing", { b }, {}, "test");
    const fromStorage = await loadTensors("/m", "Thing", "test");
    expect(fromStorage.tensors.b.arraySync()).toEqual([5, 6, 7]);
    tf.dispose([a, b, ...Object.values(fromStorage.tensors)]);
  });

  it("refuses another kind, a non-sparsekit model.json, and an unknown URL scheme", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sparsekit-saved-"));
    const a = tf.scalar(1);
    await saveTensors(dir, "Thing", { a }, {}, "test");
    await expect(loadTensors(dir, "Other", "Other.load")).rejects.toThrow(/Other.load: '.*' holds a Thing, not a Other/);
    const foreign = await mkdtemp(join(tmpdir(), "sparsekit-saved-"));
    await writeFile(join(foreign, "model.json"), JSON.stringify({ modelTopology: { class_name: "Sequential" }, weightsManifest: [] }));
    await expect(loadTensors(foreign, "Thing", "test")).rejects.toThrow(/is not a saved sparsekit model/);
    await expect(saveTensors("nosuch://x", "Thing", { a }, {}, "test")).rejects.toThrow(/no tfjs IO handler can save "nosuch:\/\/x"/);
    a.dispose();
  });

  it("still reads the tensor-map layout of sparsekit 0.1", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sparsekit-saved-"));
    const w = tf.tensor1d([1, 2]);
    await saveTensorMap(dir, "model", { w }, { kind: "Thing", config: { n: 2 } });
    const back = await loadTensors(dir, "Thing", "test");
    expect(back.metadata).toEqual({ config: { n: 2 } });
    expect(back.tensors.w.arraySync()).toEqual([1, 2]);
    tf.dispose([w, ...Object.values(back.tensors)]);
  });
});
