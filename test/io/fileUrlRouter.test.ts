import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { fileUrlRouter, registerFileUrlRouter } from "../../src/io/fileUrlRouter.js";

describe("file:// router", () => {
  it("claims only file:// URLs", () => {
    expect(fileUrlRouter("indexeddb://x")).toBeNull();
    expect(fileUrlRouter(["file://a", "file://b"])).toBeNull();
    expect(fileUrlRouter("file:///tmp/m/model.json")).not.toBeNull();
  });

  it("lets a plain tfjs LayersModel save to and load from file:// without tfjs-node", async () => {
    registerFileUrlRouter();
    registerFileUrlRouter(); // idempotent
    const dir = await mkdtemp(join(tmpdir(), "sparsekit-fileurl-"));
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    await model.save(`file://${dir}`);
    expect(existsSync(join(dir, "model.json")) && existsSync(join(dir, "weights.bin"))).toBe(true);
    const back = await tf.loadLayersModel(`file://${dir}/model.json`);
    expect(back.getWeights()[0].arraySync()).toEqual(model.getWeights()[0].arraySync());
    model.dispose();
    back.dispose();
  });
});
