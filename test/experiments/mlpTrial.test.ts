import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { runMlpTrial } from "../../src/experiments/mlpTrial.js";
import { sphereSplit, type SphereSplit } from "../../src/experiments/sphereSplit.js";

let split: SphereSplit;

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
  split = sphereSplit({ partitions: 4, trainSize: 300, testSize: 100, seed: 2 });
});
afterAll(() => split.dispose());

describe("runMlpTrial", () => {
  it("trains, measures held-out sparsity and accuracy, and resumes a finished trial from its checkpoint", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trial-"));
    const before = tf.memory().numTensors;
    const opts = {
      train: split.train,
      test: split.test,
      hiddenSizes: [16],
      initSeed: 1,
      trainSeed: 2,
      epochs: 3,
      batchSize: 50,
      learningRate: 1e-2,
      penalty: { objective: "ovr", weight: 1e-4 },
      checkpointDir: dir,
      trackEpochs: true,
    };
    const r = await runMlpTrial(opts);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.diverged).toBeNull();
    expect(r.resumed).toBe(false);
    expect(r.steps).toBe(18);
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(Object.keys(r.epochs[0])).toEqual(expect.arrayContaining(["loss", "crossEntropy", "ovr", "testAccuracy", "fractionZeros", "hoyer"]));
    expect(r.epochs[2].testAccuracy).toBe(r.testAccuracy);
    for (const k of ["testAccuracy", "trainAccuracy", "fractionZeros", "hoyer", "deadFraction", "liveFractionZeros"] as const) {
      expect(r[k]).toBeGreaterThanOrEqual(0);
      expect(r[k]).toBeLessThanOrEqual(1);
    }
    // zeros = dead units' columns + zeros among live units.
    expect(r.fractionZeros).toBeCloseTo(r.deadFraction + (1 - r.deadFraction) * r.liveFractionZeros, 10);
    expect(r.finalTerms.ovr).toBeGreaterThan(0);
    expect(r.finalLoss).toBeCloseTo(r.finalTerms.crossEntropy + r.finalTerms.ovr, 6);

    const again = await runMlpTrial({ ...opts, resume: true });
    expect(again.resumed).toBe(true);
    expect(again.steps).toBe(18);
    expect(again.testAccuracy).toBe(r.testAccuracy);
    expect(again.fractionZeros).toBe(r.fractionZeros);
    expect(again.epochs).toEqual(r.epochs);
  });

  it("reports a diverged run with NaN numbers instead of throwing", async () => {
    const r = await runMlpTrial({
      train: split.train,
      test: split.test,
      hiddenSizes: [8],
      initSeed: 1,
      trainSeed: 1,
      epochs: 3,
      batchSize: 50,
      learningRate: 1e38,
    });
    expect(r.diverged).toMatch(/training diverged at step/);
    expect(r.testAccuracy).toBeNaN();
    expect(r.fractionZeros).toBeNaN();
  });
});
