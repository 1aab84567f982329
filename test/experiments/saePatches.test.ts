import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { runExperiment } from "../../src/experiments/runExperiment.js";
import { saePatches } from "../../src/experiments/saePatches.js";
import { LONG, LONG_TIMEOUT_MS, runDefault } from "./longRun.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "sparsekit-sae-patches-"));
}

function readReport(dir: string) {
  return JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
}

const METRIC_KEYS = [
  "reconstructionMse",
  "trainReconstructionMse",
  "meanPredictorMse",
  "varianceExplained",
  "meanActivation",
  "targetActivation",
  "hoyer",
  "lifetimeSparsity",
  "fractionActive",
  "deadUnits",
  "relativeChangeW1",
  "relativeChangeW2",
  "finalLoss",
  "steps",
];

describe("sae-patches", () => {
  it("is registered under its name", () => {
    expect(getExperiment("sae-patches")).toBe(saePatches);
  });

  it("--quick (L-BFGS) writes report.json, index.html, SVG plots and PNG grids with the expected metrics", async () => {
    const out = tmp();
    const r = await runExperiment(saePatches, { quick: true, outDir: out, seed: 1, progress: "none" });
    const json = readReport(out);
    for (const k of METRIC_KEYS) expect(json.metrics, k).toHaveProperty(k);
    expect(json.metrics.optimizer).toBe("lbfgs");
    expect(json.metrics.targetActivation).toBe(0.01);
    expect(json.metrics.steps).toBeGreaterThan(0);
    expect(json.metrics.relativeChangeW1).toBeGreaterThan(0);
    expect(json.epochs).toHaveLength(2);
    expect(json.epochs[1]).toHaveProperty("reconstruction");
    expect(json.epochs[1]).toHaveProperty("relativeChangeW1");
    expect(existsSync(join(out, "index.html"))).toBe(true);
    const plots = r.files.plots.map((p) => basename(p));
    expect(plots.some((p) => p.includes("loss-curve"))).toBe(true);
    expect(plots.some((p) => p.includes("lifetime-sparsity-per-unit"))).toBe(true);
    expect(plots.some((p) => p.includes("activation-histogram"))).toBe(true);
    const images = r.files.images.map((p) => basename(p));
    expect(images.some((p) => p.includes("filters"))).toBe(true);
    expect(images.some((p) => p.includes("reconstructions"))).toBe(true);
    for (const f of [...r.files.plots, ...r.files.images]) expect(existsSync(f)).toBe(true);
    expect(readFileSync(r.files.images[0]).subarray(1, 4).toString()).toBe("PNG");
    // The L-BFGS loss curve is per iteration: the start + 2 blocks x 4 iterations at most.
    const spec = JSON.parse(readFileSync(r.files.specs[plots.findIndex((p) => p.includes("loss-curve"))], "utf8"));
    expect(spec.data.values.length).toBeGreaterThan(2);
    expect(spec.data.values.length).toBeLessThanOrEqual(9);
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain("L-BFGS");
  });

  it("resumes an L-BFGS run from its block checkpoints with more epochs", async () => {
    const out = tmp();
    await runExperiment(saePatches, { quick: true, outDir: out, seed: 2, progress: "none" });
    await runExperiment(saePatches, { resume: true, overrides: { epochs: 3 }, outDir: out, progress: "none" });
    const json = readReport(out);
    expect(json.epochs).toHaveLength(3);
    expect(json.metrics.resumedFrom.epoch).toBe(2);
  });

  it("the Adam baseline runs through train() and resumes from its checkpoints", async () => {
    const out = tmp();
    const config = { optimizer: "adam", epochs: 2, batchSize: 100, learningRate: 0.01 };
    await runExperiment(saePatches, { quick: true, config, outDir: out, seed: 3, progress: "none" });
    const first = readReport(out);
    expect(first.metrics.optimizer).toBe("adam");
    expect(first.metrics.steps).toBe(2 * 3);
    await runExperiment(saePatches, { resume: true, overrides: { epochs: 4 }, outDir: out, progress: "none" });
    const json = readReport(out);
    expect(json.epochs).toHaveLength(4);
    expect(json.metrics.steps).toBe(4 * 3);
    expect(json.metrics.resumedFrom.epoch).toBe(2);
  });

  it("rejects unknown or invalid config values", async () => {
    await expect(runExperiment(saePatches, { quick: true, config: { rho: 2 }, outDir: tmp() })).rejects.toThrow(/rho/);
    await expect(runExperiment(saePatches, { quick: true, config: { hiden: 5 }, outDir: tmp() })).rejects.toThrow(/hiden/);
  });
});

describe.runIf(LONG)("sae-patches default run (SPARSEKIT_LONG=1)", () => {
  it("learns a sparse code near the target rate that moves far from its random start", async () => {
    const m = (await runDefault(saePatches)).metrics;
    expect(m.reconstructionMse).toBeLessThan(0.8 * m.meanPredictorMse);
    expect(Math.abs(m.meanActivation - 0.01)).toBeLessThan(0.005);
    expect(m.deadUnits).toBeLessThanOrEqual(5);
    expect(m.relativeChangeW1).toBeGreaterThan(1);
    expect(m.hoyer).toBeGreaterThan(0.2);
  }, LONG_TIMEOUT_MS);
});
