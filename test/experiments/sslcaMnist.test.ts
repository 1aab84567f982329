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

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const METHODS = [
  "raw",
  "lca",
  "sslca-le10",
  "sslca-le10-probe",
  "sslca-le0",
  "sslca-le0-probe",
  "sslca-labelledOnly",
  "sslca-labelledOnly-probe",
];

describe("sslca-mnist experiment", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("is registered; defaults compare 1% and 10% labels over >= 3 seeds with an entropy term and its ablation", () => {
    expect(getExperiment("sslca-mnist")).toBe(sslcaMnist);
    const c = resolveExperimentConfig(sslcaMnist, [{}]);
    expect(c.labelFractions).toEqual([0.01, 0.1]);
    expect(c.seeds).toBeGreaterThanOrEqual(3);
    expect((c.entropyWeights as number[]).every((v) => v > 0)).toBe(true);
    expect(c.center).toBe(true);
    expect(c.labelledOnly).toBe(true);
    expect(() => resolveExperimentConfig(sslcaMnist, [{ entropyBeta: 0 }])).toThrow(/entropyBeta/);
    expect(() => resolveExperimentConfig(sslcaMnist, [{ lambdaE: 1 }])).toThrow(/lambdaE/);
  });

  it("--quick scores every method per seed and fraction, answers the questions, writes plots and atom grids; resume reuses results", async () => {
    const out = mkdtempSync(join(tmpdir(), "sslca-mnist-"));
    dirs.push(out);
    // Tensors left behind by one LogisticRegression fit (src/baselines; 2 when this was written: its initial
    // zeros of W and b). The experiment itself must leave nothing else: 2 seeds x 2 fractions x 5 probes.
    const xs = tf.randomNormal([20, 4]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    new LogisticRegression().fit(xs, Int32Array.from({ length: 20 }, (_, i) => i % 2), { maxIterations: 3 }).dispose();
    const probeLeak = tf.memory().numTensors - before;
    xs.dispose();
    const n0 = tf.memory().numTensors;
    const r = await runExperiment(sslcaMnist, { quick: true, outDir: out, seed: 3, progress: "none" });
    expect(tf.memory().numTensors - n0).toBe(20 * probeLeak);
    const json = JSON.parse(readFileSync(r.files.json, "utf8"));
    const m = json.metrics;
    expect(m.fractions).toEqual([0.1, 0.5]);
    // Class-balanced subsets of 120 digits: about 10% and 50% of each class.
    expect(m.labelledCounts[0]).toBeGreaterThanOrEqual(10);
    expect(m.labelledCounts[1]).toBeGreaterThan(m.labelledCounts[0]);
    expect(Object.keys(m.methods)).toEqual(METHODS);
    for (const k of METHODS) {
      for (const f of ["0.1", "0.5"]) {
        const s = m.methods[k][f];
        expect(s.runs, `${k} ${f}`).toHaveLength(2);
        for (const v of s.runs) expect(v >= 0 && v <= 1, `${k} ${f} ${v}`).toBe(true);
      }
    }
    expect(m.results).toHaveLength(METHODS.length * 2 * 2);
    const own = m.results.filter((x: { method: string }) => x.method === "sslca-le10");
    for (const x of own) expect(x.labelledTrainAccuracy).toBeGreaterThanOrEqual(0);
    // With half of 120 digits labelled, the pixel probe must beat chance (10%) on 60 test digits.
    expect(Math.max(...m.methods.raw["0.5"].runs)).toBeGreaterThan(0.3);
    expect(m.paired.length).toBe(8 * 2);
    for (const p of m.paired) expect(["YES", "NO (it hurts)", "NO clear effect"]).toContain(p.verdict);
    const names = r.files.images.map((p) => p.split("/").pop());
    for (const img of ["atoms-plain-lca", "atoms-sslca", "class-templates", "atoms-labelled-only"]) {
      expect(names.some((n) => n?.includes(img)), img).toBe(true);
    }
    expect(r.files.plots.some((p) => p.includes("accuracy-vs-labels"))).toBe(true);
    expect(r.files.plots.some((p) => p.includes("cross-entropy-per-step"))).toBe(true);
    expect(existsSync(join(out, "index.html"))).toBe(true);
    const text = readFileSync(join(out, "index.html"), "utf8");
    expect(text).toContain("Does the entropy term help");
    expect(text).toContain("Do the unlabelled digits help");

    // --resume: every result is read back, nothing is retrained, the same numbers come out.
    const again = await runExperiment(sslcaMnist, { resume: true, outDir: out, seed: 3, progress: "none" });
    const m2 = JSON.parse(readFileSync(again.files.json, "utf8")).metrics;
    expect(m2.methods).toEqual(m.methods);
    expect(again.seconds).toBeLessThan(r.seconds);
  });
});
