import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { LogisticRegression } from "../../src/baselines/logisticRegression.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { resolveExperimentConfig, runExperiment } from "../../src/experiments/runExperiment.js";
import { sslcaMnist } from "../../src/experiments/sslcaMnist.js";
import { LONG, LONG_TIMEOUT_MS, runDefault } from "./longRun.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const METHODS = ["sslca", "sslcaProbe", "lrPixels", "lrCodes", "spreadingPixels", "spreadingCodes"];

describe("sslca-mnist experiment", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("is registered; defaults: all 8,000 training digits, 1% and 10% labels, >= 256 atoms, a grid of >= 20 settings", () => {
    expect(getExperiment("sslca-mnist")).toBe(sslcaMnist);
    const c = resolveExperimentConfig(sslcaMnist, [{}]);
    expect(c.trainSize).toBe(8000);
    expect(c.labelFractions).toEqual([0.01, 0.1]);
    expect(c.atoms).toBeGreaterThanOrEqual(256);
    expect((c.gammas as number[]).length * (c.entropyWeights as number[]).length * (c.labelledPerBatch as number[]).length).toBeGreaterThanOrEqual(20);
    expect(c.epochs).toBeGreaterThanOrEqual(2);
    expect(() => resolveExperimentConfig(sslcaMnist, [{ entropyBeta: 0 }])).toThrow(/entropyBeta/);
    expect(() => resolveExperimentConfig(sslcaMnist, [{ lambdaE: 1 }])).toThrow(/lambdaE/);
  });

  it("--quick: grid on validation digits, chosen setting vs four baselines per seed and fraction, headline first; resume reuses results", async () => {
    const out = mkdtempSync(join(tmpdir(), "sslca-mnist-"));
    dirs.push(out);
    // Tensors a LogisticRegression fit leaves behind (its initial zeros); the experiment must leave nothing else.
    const xs = tf.randomNormal([20, 4]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    new LogisticRegression().fit(xs, Int32Array.from({ length: 20 }, (_, i) => i % 2), { maxIterations: 3 }).dispose();
    const probeLeak = tf.memory().numTensors - before;
    xs.dispose();
    const n0 = tf.memory().numTensors;
    const r = await runExperiment(sslcaMnist, { quick: true, outDir: out, seed: 3, progress: "none" });
    const json = JSON.parse(readFileSync(r.files.json, "utf8"));
    const m = json.metrics;
    // probes: 2 validation baselines + 4 grid settings + (2 LR + 1 SSLCA probe) x 2 seeds x 2 fractions
    expect(tf.memory().numTensors - n0).toBe((2 + 4 + 12) * probeLeak);
    expect(m.fractions).toEqual([0.1, 0.5]);
    expect(m.grid).toHaveLength(4);
    const best = Math.max(...m.grid.map((g: { validationAccuracy: number }) => g.validationAccuracy));
    expect(m.chosen.validationAccuracy).toBe(best);
    expect([3, 5]).toContain(m.spreadingK.pixels);
    expect(Object.keys(m.methods)).toEqual(METHODS);
    for (const k of METHODS) {
      for (const f of ["0.1", "0.5"]) {
        expect(m.methods[k][f].runs, `${k} ${f}`).toHaveLength(2);
        for (const v of m.methods[k][f].runs) expect(v >= 0 && v <= 1).toBe(true);
      }
    }
    // Labelled subsets never include the validation digits (the last 40 of 160): 10% of 160 = 16 labelled.
    expect(m.labelledCounts[0]).toBeGreaterThanOrEqual(10);
    expect(m.dictionary.epochs).toBeGreaterThanOrEqual(1);
    const order = json.contents.map((c: { name?: string; heading?: string }) => c.name ?? c.heading);
    expect(order.indexOf("Finding")).toBeLessThan(order.indexOf("headline-accuracy"));
    expect(order.indexOf("headline-accuracy")).toBeLessThan(order.indexOf("summary"));
    expect(order.indexOf("summary")).toBeLessThan(order.indexOf("grid"));
    expect(existsSync(join(out, "index.html"))).toBe(true);

    const again = await runExperiment(sslcaMnist, { resume: true, outDir: out, seed: 3, progress: "none" });
    const m2 = JSON.parse(readFileSync(again.files.json, "utf8")).metrics;
    expect(m2.methods).toEqual(m.methods);
    expect(m2.grid).toEqual(m.grid);
  });
});

describe.runIf(LONG)("sslca-mnist default run (SPARSEKIT_LONG=1)", () => {
  it("scores a >= 20-setting grid on validation digits and reports the gap to the best baseline at 1% labels", async () => {
    const m = (await runDefault(sslcaMnist)).metrics;
    expect(m.grid.length).toBeGreaterThanOrEqual(20);
    expect(Math.abs(m.labelledCounts[0] - 80)).toBeLessThanOrEqual(5); // class-balanced rounding
    expect(Number.isFinite(m.gapToBestBaselineAtSmallestFraction)).toBe(true);
    for (const k of METHODS) expect(m.methods[k]["0.01"].runs).toHaveLength(3);
  }, LONG_TIMEOUT_MS);
});
