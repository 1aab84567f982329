import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ExperimentContext } from "../../src/experiments/Experiment.js";
import { encoderDrift, epochLabel, trainSae, type SaeTrainingSettings } from "../../src/experiments/saeTraining.js";
import { SparseAutoencoder } from "../../src/models/SparseAutoencoder.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function context(lines: string[]): ExperimentContext {
  const outDir = mkdtempSync(join(tmpdir(), "sparsekit-saetrain-"));
  return { seed: 0, outDir, checkpointDir: join(outDir, "checkpoints"), resume: false, backend: "cpu", progress: "none", log: (l) => lines.push(l) };
}

const base: SaeTrainingSettings = { optimizer: "adam", epochs: 4, iterationsPerEpoch: 3, batchSize: 10, learningRate: 0.01, activeThreshold: 0.1, evaluateEvery: 2 };

describe("trainSae", () => {
  const x = tf.tidy(() => tf.add(0.1, tf.mul(0.8, tf.randomUniform([30, 5], 0, 1, "float32", 1)))) as tf.Tensor2D;
  const evalX = tf.tidy(() => tf.add(0.1, tf.mul(0.8, tf.randomUniform([12, 5], 0, 1, "float32", 2)))) as tf.Tensor2D;

  it("Adam: code statistics and relative weight change every evaluateEvery epochs, checkpoints in ctx.checkpointDir", async () => {
    const model = SparseAutoencoder.create({ inputSize: 5, hiddenSize: 3, sparsity: { kind: "kl", rho: 0.1, beta: 3 }, seed: 1 });
    const ctx = context([]);
    const { fit: r, drift } = await trainSae(model, x, evalX, base, ctx);
    expect(r.epochs).toHaveLength(4);
    expect(r.epochs[0].metrics).not.toHaveProperty("hoyer");
    expect(r.epochs[1].metrics).toHaveProperty("hoyer");
    expect(r.epochs[3].metrics.relativeChangeW1).toBeCloseTo(model.relativeChange("W1"), 6);
    expect(r.epochs[3].metrics.relativeChangeW2).toBeCloseTo(model.relativeChange("W2"), 6);
    expect(r.epochs[3].metrics.cosineToInitW1).toBeCloseTo(drift.cosineToInitW1, 6);
    expect(drift.cosineToInitW1).toBeLessThan(1);
    // Resuming with more epochs continues from the saved epoch 4.
    const again = SparseAutoencoder.create({ inputSize: 5, hiddenSize: 3, sparsity: { kind: "kl", rho: 0.1, beta: 3 }, seed: 1 });
    const { fit: r2 } = await trainSae(again, x, evalX, { ...base, epochs: 6 }, { ...ctx, resume: true });
    expect(r2.resumedFrom?.epoch).toBe(4);
    expect(r2.epochs).toHaveLength(6);
    model.dispose();
    again.dispose();
  });

  it("L-BFGS: one record per block, every block evaluated; tied weights report W1 only", async () => {
    const model = SparseAutoencoder.create({ inputSize: 5, hiddenSize: 3, tiedWeights: true, sparsity: { kind: "kl", rho: 0.1, beta: 3 }, seed: 2 });
    const { fit: r } = await trainSae(model, x, evalX, { ...base, optimizer: "lbfgs", epochs: 2, evaluateEvery: 1 }, context([]));
    expect(r.epochs).toHaveLength(2);
    expect(r.lossHistory.length).toBeGreaterThan(1);
    expect(r.epochs[0].metrics).toHaveProperty("meanActivation");
    expect(r.epochs[0].metrics).not.toHaveProperty("relativeChangeW2");
    model.dispose();
  });

  it("long Adam runs log a line per evaluation instead of a progress display", async () => {
    const model = SparseAutoencoder.create({ inputSize: 5, hiddenSize: 3, sparsity: { kind: "kl", rho: 0.1, beta: 3 }, seed: 3 });
    const lines: string[] = [];
    await trainSae(model, x, evalX, { ...base, epochs: 201, batchSize: 30, evaluateEvery: 100 }, context(lines));
    expect(lines).toHaveLength(3); // epochs 100, 200 and the last, 201
    expect(lines[0]).toMatch(/^epoch 100\/201/);
    model.dispose();
  });

  it("encoderDrift separates shrinking (cosine 1) from moving", () => {
    const w0 = tf.tensor2d([[1, 2], [3, 4]]);
    const shrunk = tf.mul(w0, 0.25);
    expect(encoderDrift(shrunk, w0).normRatioW1).toBeCloseTo(0.25, 6);
    expect(encoderDrift(shrunk, w0).cosineToInitW1).toBeCloseTo(1, 6);
    const orthogonal = tf.tensor2d([[2, -1], [4, -3]]); // <., w0> = 2 - 2 + 12 - 12 = 0
    expect(encoderDrift(orthogonal, w0).cosineToInitW1).toBeCloseTo(0, 6);
    // A uniform offset per filter (column) lowers the plain cosine but not the centred one.
    const offset = tf.sub(w0, tf.tensor2d([[10, -7]]));
    const d = encoderDrift(offset, w0);
    expect(d.cosineToInitW1).toBeLessThan(0.9);
    expect(d.cosineToInitW1Centered).toBeCloseTo(1, 6);
    tf.dispose([w0, shrunk, orthogonal, offset]);
  });

  it("labels records by optimizer", () => {
    expect(epochLabel(base)).toBe("epoch");
    expect(epochLabel({ ...base, optimizer: "lbfgs" })).toBe("L-BFGS block (3 iterations)");
  });
});
