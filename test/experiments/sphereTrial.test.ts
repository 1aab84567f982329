import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { runSphereTrial, type SphereTrialConfig } from "../../src/experiments/sphereTrial.js";
import type { TrialContext } from "../../src/experiments/Experiment.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const config: SphereTrialConfig = { partitions: 4, trainSize: 80, testSize: 40, classes: 4, replicate: 0, width: 16, epochs: 2, batchSize: 20, learningRate: 0.01 };

async function context(): Promise<TrialContext> {
  const dir = await mkdtemp(join(tmpdir(), "sparsekit-sphere-trial-"));
  return { checkpointDir: dir, resume: false, log: () => undefined } as unknown as TrialContext;
}

describe("runSphereTrial", () => {
  it("is deterministic per seed, pairs settings of one replicate, and an OVR penalty makes the codes sparser", async () => {
    const before = tf.memory().numTensors;
    const a = await runSphereTrial(config, 5, await context());
    const b = await runSphereTrial(config, 5, await context());
    expect(b.testAccuracy).toBe(a.testAccuracy);
    expect(b.fractionZeros).toBe(a.fractionZeros);
    expect(a.cpuSeconds).toBeGreaterThan(0);
    const penalised = await runSphereTrial(config, 5, await context(), { objective: "ovr", weight: 1e-2, options: { reduction: "mean" } });
    expect(penalised.fractionZeros).toBeGreaterThanOrEqual(a.fractionZeros);
    expect(tf.memory().numTensors).toBe(before);
  });
});
