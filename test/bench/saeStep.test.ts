import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { buildSaeStep, timeSaeStep } from "../../src/bench/saeStep.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const TINY = { inputSize: 12, hiddenSize: 5, batchSize: 8, steps: 2, warmup: 1, rounds: 2 };

describe("timeSaeStep", () => {
  it("returns timings and losses for the requested size, and frees its tensors", async () => {
    const before = tf.memory().numTensors;
    const r = await timeSaeStep(TINY);
    expect(r).toMatchObject({ backend: "wasm", inputSize: 12, hiddenSize: 5, batchSize: 8, steps: 2, warmup: 1 });
    expect(r.roundsMs).toHaveLength(2);
    for (const v of [...r.roundsMs, r.msPerStep, r.minMsPerStep, r.cpuMsPerStep]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    expect(r.minMsPerStep).toBeLessThanOrEqual(r.msPerStep);
    expect(Number.isFinite(r.firstLoss) && Number.isFinite(r.lastLoss)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("computes the SPEC 1.2 loss: reconstruction + beta KL + weight decay", () => {
    // One step's returned loss is the loss before the update; check it against a direct formula.
    const size = { inputSize: 6, hiddenSize: 3, batchSize: 4, seed: 3 };
    const r = Math.sqrt(6 / (6 + 3 + 1));
    const expected = tf.tidy(() => {
      const x = tf.randomUniform([4, 6], 0, 1, "float32", 3);
      const w1 = tf.randomUniform([6, 3], -r, r, "float32", 4);
      const w2 = tf.randomUniform([3, 6], -r, r, "float32", 5);
      const h = tf.sigmoid(tf.matMul(x, w1));
      const xHat = tf.sigmoid(tf.matMul(h, w2));
      const recon = tf.sum(tf.square(tf.sub(xHat, x))).dataSync()[0] / (2 * 4);
      const rhoHat = Array.from(tf.mean(h, 0).dataSync());
      const kl = rhoHat.reduce((s, q) => s + 0.05 * Math.log(0.05 / q) + 0.95 * Math.log(0.95 / (1 - q)), 0);
      const decay = (1e-4 / 2) * (tf.sum(tf.square(w1)).dataSync()[0] + tf.sum(tf.square(w2)).dataSync()[0]);
      return recon + 3 * kl + decay;
    });
    const sae = buildSaeStep(size);
    const first = sae.step();
    const second = sae.step();
    sae.dispose();
    expect(first).toBeCloseTo(expected, 4);
    expect(second).toBeLessThan(first);
  });

  it("rejects bad options with SparsekitError", async () => {
    await expect(timeSaeStep({ steps: 0 })).rejects.toThrow(/timeSaeStep: option 'steps' must be an integer, >= 1, got 0/);
    await expect(timeSaeStep({ warmup: -1 })).rejects.toThrow(SparsekitError);
    await expect(timeSaeStep({ batch: 4 } as never)).rejects.toThrow(/unknown option 'batch'/);
  });
});
