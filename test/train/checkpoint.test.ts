import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { checkpointName, listCheckpoints, readLatestCheckpoint, writeCheckpoint, type CheckpointState } from "../../src/train/checkpoint.js";
import { createOptimizer } from "../../src/train/optimizer.js";
import { disposeOptimizerState } from "../../src/train/optimizerState.js";
import { createRng } from "../../src/random/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function stateFor(epoch: number): Omit<CheckpointState, "format" | "formatVersion" | "savedAt"> {
  const rng = createRng(1);
  rng.permutation(epoch * 10);
  return {
    epoch,
    step: epoch * 3,
    rng: rng.state(),
    history: { epochs: [], steps: epoch * 3 },
    config: {
      seed: 1,
      batchSize: 4,
      shuffle: true,
      numSamples: 10,
      variables: [{ name: "w", shape: [2, 2], dtype: "float32" }],
      optimizer: { name: "sgd", learningRate: 0.1 },
    },
  };
}

describe("checkpoints", () => {
  it("writes variables, optimizer state and run state; reads back the latest; prunes old ones", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-ckpt-"));
    expect(await readLatestCheckpoint(dir)).toBeUndefined();
    const w = tf.variable(tf.tensor2d([[1, 2], [3, 4]]), true, "w_ckpt");
    const optimizer = createOptimizer({ name: "sgd", learningRate: 0.1 });
    optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w]);
    for (const epoch of [1, 2, 3]) {
      w.assign(tf.fill([2, 2], epoch));
      const p = await writeCheckpoint(dir, { variables: [{ name: "w", tensor: w }], optimizer, state: stateFor(epoch), keep: 2 });
      expect(p).toBe(path.join(dir, checkpointName(epoch)));
    }
    expect(await listCheckpoints(dir)).toEqual(["epoch-000002", "epoch-000003"]);
    expect((await fs.readdir(path.join(dir, "epoch-000003"))).sort()).toEqual(["optimizer.bin", "optimizer.json", "state.json", "variables.bin", "variables.json"]);

    const cp = (await readLatestCheckpoint(dir))!;
    expect(cp.name).toBe("epoch-000003");
    expect(cp.state.epoch).toBe(3);
    expect(cp.state.step).toBe(9);
    expect(cp.state.format).toBe("sparsekit-checkpoint");
    expect(cp.state.rng).toEqual(stateFor(3).rng);
    expect(cp.variables.names).toEqual(["w"]);
    expect(Array.from(cp.variables.tensors.w.dataSync())).toEqual([3, 3, 3, 3]);
    expect(cp.optimizer.spec).toEqual({ name: "sgd", learningRate: 0.1 });
    expect(cp.optimizer.weights[0].name).toBe("iter");
    expect(cp.optimizer.weights[0].tensor.dataSync()[0]).toBe(1);
    disposeOptimizerState(cp.optimizer);
  });

  it("reports a corrupt latest.json or state.json", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-ckpt-"));
    await fs.writeFile(path.join(dir, "latest.json"), "{oops");
    await expect(readLatestCheckpoint(dir)).rejects.toThrow(/readLatestCheckpoint: .*latest.json is corrupt/);
    await fs.writeFile(path.join(dir, "latest.json"), JSON.stringify({ checkpoint: "epoch-000001" }));
    await expect(readLatestCheckpoint(dir)).rejects.toThrow(/cannot read .*epoch-000001.*state.json/);
    await fs.mkdir(path.join(dir, "epoch-000001"));
    await fs.writeFile(path.join(dir, "epoch-000001", "state.json"), JSON.stringify({ format: "other" }));
    await expect(readLatestCheckpoint(dir)).rejects.toThrow(/is not a sparsekit checkpoint/);
  });
});
