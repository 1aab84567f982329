import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { runExperiment } from "../../src/experiments/runExperiment.js";
import { saeMnist } from "../../src/experiments/saeMnist.js";
import { LONG, LONG_TIMEOUT_MS, runDefault } from "./longRun.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "sparsekit-sae-mnist-"));
}

describe("sae-mnist", () => {
  it("is registered under its name", () => {
    expect(getExperiment("sae-mnist")).toBe(saeMnist);
  });

  it("--quick writes the report with test MSE, sparsity metrics, filter and reconstruction grids", async () => {
    const out = tmp();
    const r = await runExperiment(saeMnist, { quick: true, outDir: out, seed: 1, progress: "none" });
    const json = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    for (const k of ["testMse", "trainMse", "meanPredictorMse", "varianceExplained", "meanActivation", "targetActivation", "hoyer", "deadUnits", "relativeChangeW1", "relativeChangeW2"]) {
      expect(json.metrics, k).toHaveProperty(k);
    }
    expect(json.metrics.targetActivation).toBe(0.1);
    expect(json.metrics.testMse).toBeGreaterThan(0);
    expect(json.metrics.testMse).toBeLessThan(1);
    expect(json.epochs).toHaveLength(2);
    expect(existsSync(join(out, "index.html"))).toBe(true);
    expect(r.files.plots.length).toBeGreaterThanOrEqual(5);
    expect(r.files.images).toHaveLength(2);
    for (const f of [...r.files.plots, ...r.files.images]) expect(existsSync(f)).toBe(true);
    // 16 filters of 28x28 at scale 2 with 1 px padding in a 4x4 grid: (4 * 29 + 1) * 2 = 234 px.
    const filters = json.contents.find((c: { name: string }) => c.name === "filters");
    expect(filters.width).toBe(234);
  });

  it("--quick with Adam trains by minibatches", async () => {
    const out = tmp();
    await runExperiment(saeMnist, { quick: true, config: { optimizer: "adam", batchSize: 32 }, outDir: out, seed: 2, progress: "none" });
    const json = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(json.metrics.optimizer).toBe("adam");
    expect(json.metrics.steps).toBe(2 * Math.ceil(120 / 32));
  });
});

describe.runIf(LONG)("sae-mnist default run (SPARSEKIT_LONG=1)", () => {
  it("reconstructs held-out digits far better than the mean at the target activation rate", async () => {
    const m = (await runDefault(saeMnist)).metrics;
    expect(m.testMse).toBeLessThan(0.5 * m.meanPredictorMse);
    expect(Math.abs(m.meanActivation - 0.1)).toBeLessThan(0.03);
    expect(m.relativeChangeW1).toBeGreaterThan(1);
  }, LONG_TIMEOUT_MS);
});
