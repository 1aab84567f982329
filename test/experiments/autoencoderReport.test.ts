import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { addAutoencoderReport, codeStatistics } from "../../src/experiments/autoencoderReport.js";
import { RunReport } from "../../src/report/node.js";
import type { EpochRecord } from "../../src/train/history.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("codeStatistics", () => {
  it("computes mean activation, active fraction and dead units at the given threshold", () => {
    // 4 samples x 3 units: unit 0 fires on one sample, unit 1 on two, unit 2 never exceeds 0.1.
    const h = tf.tensor2d([
      [0.9, 0.05, 0.02],
      [0.01, 0.8, 0.05],
      [0.02, 0.7, 0.01],
      [0.01, 0.05, 0.02],
    ]);
    const s = codeStatistics(h, 0.1);
    expect(s.meanActivation).toBeCloseTo((0.9 + 0.05 + 0.02 + 0.01 + 0.8 + 0.05 + 0.02 + 0.7 + 0.01 + 0.01 + 0.05 + 0.02) / 12, 6);
    expect(s.fractionActive).toBeCloseTo(3 / 12, 6);
    expect(s.meanActiveUnits).toBeCloseTo(3 / 4, 6);
    expect(s.deadUnits).toBe(1);
    expect(s.hoyer).toBeGreaterThan(0.3);
    expect(s.hoyer).toBeLessThan(1);
    // Without a threshold only exact zeros are inactive: every entry is active, no unit dead.
    const raw = codeStatistics(h);
    expect(raw.deadUnits).toBe(0);
    expect(raw.fractionActive).toBe(1);
    expect(raw.hoyer).toBe(s.hoyer);
    h.dispose();
  });

  it("rejects a negative threshold", () => {
    const h = tf.ones([2, 2]) as tf.Tensor2D;
    expect(() => codeStatistics(h, -1)).toThrow(/activeThreshold/);
    h.dispose();
  });
});

describe("addAutoencoderReport", () => {
  function epochs(n: number): EpochRecord[] {
    return Array.from({ length: n }, (_, i) => ({
      epoch: i + 1,
      loss: 1 / (i + 1),
      terms: { reconstruction: 0.8 / (i + 1), weightDecay: 0.01, sparsity: 0.1 / (i + 1) },
      metrics: (i % 2 === 1 ? { meanActivation: 0.5 / (i + 1), hoyer: 0.1 * i, relativeChangeW1: 0.3 * i } : {}) as Record<string, number>,
      seconds: 0.1,
      steps: 10 * (i + 1),
    }));
  }

  it("adds plots, grids, table and metrics, and records every epoch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sparsekit-aerep-"));
    const report = new RunReport(dir, { title: "test" });
    const codes = tf.tidy(() => tf.sigmoid(tf.randomNormal([50, 6], -2, 1, "float32", 1))) as tf.Tensor2D;
    const filters = tf.randomNormal([6, 16], 0, 1, "float32", 2) as tf.Tensor2D;
    const inputs = tf.randomUniform([5, 16], 0, 1, "float32", 3) as tf.Tensor2D;
    const recon = tf.randomUniform([5, 16], 0, 1, "float32", 4) as tf.Tensor2D;
    const metrics = addAutoencoderReport(report, {
      epochs: epochs(4),
      epochLabel: "block",
      lossHistory: [1, 0.8, 0.6, 0.5, 0.45],
      codes,
      activeThreshold: 0.1,
      targetActivation: 0.05,
      filters,
      imageShape: { height: 4, width: 4 },
      maxFilters: 4,
      inputs,
      reconstructions: recon,
      relativeChange: { W1: 1.5, W2: 0.5 },
      metrics: { testMse: 0.02 },
    });
    expect(metrics.relativeChangeW1).toBe(1.5);
    expect(metrics.relativeChangeW2).toBe(0.5);
    expect(metrics.testMse).toBe(0.02);
    expect(metrics.targetActivation).toBe(0.05);
    expect(metrics.deadUnits).toBe(codeStatistics(codes, 0.1).deadUnits);
    const files = await report.write();
    const json = JSON.parse(readFileSync(files.json, "utf8"));
    expect(json.epochs).toHaveLength(4);
    expect(json.epochs[1]).toMatchObject({ epoch: 2, steps: 20, reconstruction: 0.4, hoyer: 0.1 });
    expect(json.metrics.testMse).toBe(0.02);
    const names = files.plots.map((p) => basename(p));
    for (const n of ["loss-curve", "cost-terms", "sparsity-over-training", "relative-weight-change", "activation-histogram", "mean-activation-per-unit", "lifetime-sparsity-per-unit"]) {
      expect(names.some((f) => f.includes(n)), n).toBe(true);
    }
    // The loss curve is the per-iteration history; sparsity curves only hold the evaluated epochs.
    const lossSpec = JSON.parse(readFileSync(files.specs[names.findIndex((f) => f.includes("loss-curve"))], "utf8"));
    expect(lossSpec.data.values).toHaveLength(5);
    const sparsitySpec = JSON.parse(readFileSync(files.specs[names.findIndex((f) => f.includes("sparsity-over-training"))], "utf8"));
    expect(sparsitySpec.data.values.map((v: { x: number }) => v.x)).toEqual([2, 4, 2, 4]);
    expect(files.images).toHaveLength(2);
    // 4 of 6 filters, 4x4 each, in a 2x2 grid, 1 px padding, scale 4: (2 * 5 + 1) * 4 = 44 px.
    const filterItem = json.contents.find((c: { name: string }) => c.name === "filters");
    expect([filterItem.width, filterItem.height]).toEqual([44, 44]);
    for (const f of files.images) expect(existsSync(f)).toBe(true);
    tf.dispose([codes, filters, inputs, recon]);
  });

  it("plots the per-epoch loss when there is no iteration history", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sparsekit-aerep-"));
    const report = new RunReport(dir, { title: "test" });
    const codes = tf.relu(tf.randomNormal([20, 4], 0, 1, "float32", 1)) as tf.Tensor2D;
    const filters = tf.randomNormal([4, 9], 0, 1, "float32", 2) as tf.Tensor2D;
    const x = tf.randomUniform([3, 9], 0, 1, "float32", 3) as tf.Tensor2D;
    addAutoencoderReport(report, { epochs: epochs(3), codes, filters, imageShape: { height: 3, width: 3 }, inputs: x, reconstructions: x, relativeChange: { W1: 0.1 } });
    const files = await report.write();
    const names = files.plots.map((p) => basename(p));
    const lossSpec = JSON.parse(readFileSync(files.specs[names.findIndex((f) => f.includes("loss-curve"))], "utf8"));
    expect(lossSpec.data.values.map((v: { x: number }) => v.x)).toEqual([1, 2, 3]);
    tf.dispose([codes, filters, x]);
  });
});
