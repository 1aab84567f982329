import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { lcaPatches } from "../../src/experiments/lcaPatches.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { runExperiment } from "../../src/experiments/runExperiment.js";
import { LONG, LONG_TIMEOUT_MS, runDefault } from "./longRun.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const tmp = () => mkdtempSync(join(tmpdir(), "sparsekit-lca-patches-"));
const read = (dir: string) => JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));

describe("lca-patches", () => {
  it("is registered under its name", () => {
    expect(getExperiment("lca-patches")).toBe(lcaPatches);
  });

  it("--quick writes the report: dictionary grid, energy curves, LCA vs FISTA numbers", async () => {
    const out = tmp();
    const r = await runExperiment(lcaPatches, { quick: true, outDir: out, seed: 2, progress: "none" });
    const m = read(out).metrics;
    for (const k of ["reconstructionMse", "varianceExplained", "meanL0", "lcaEnergy", "fistaEnergy", "lcaFistaGapPercent", "deadAtoms", "gramLargestEigenvalue"]) {
      expect(Number.isFinite(m[k]), k).toBe(true);
    }
    expect(m.lcaEnergyCurve).toHaveLength(40);
    expect(m.steps).toBe(6);
    expect(read(out).epochs).toHaveLength(2);
    expect(r.files.images.some((p) => p.endsWith("dictionary.png"))).toBe(true);
    expect(r.files.plots.some((p) => p.includes("energy-per-iteration"))).toBe(true);
    expect(existsSync(join(out, "index.html"))).toBe(true);
  });

  it("--resume continues from the run's checkpoint (a finished run re-evaluates to the same numbers)", async () => {
    const out = tmp();
    await runExperiment(lcaPatches, { quick: true, outDir: out, seed: 4, progress: "none" });
    const first = read(out).metrics;
    expect(existsSync(join(out, "checkpoints", "model.json"))).toBe(true);
    await runExperiment(lcaPatches, { outDir: out, seed: 4, progress: "none", resume: true });
    const second = read(out).metrics;
    expect(second.steps).toBe(6);
    expect(second.reconstructionMse).toBeCloseTo(first.reconstructionMse, 6);
    expect(second.lcaEnergy).toBeCloseTo(first.lcaEnergy, 6);
  });
});

describe.runIf(LONG)("lca-patches default run (SPARSEKIT_LONG=1)", () => {
  it("learns a sparse code; LCA is within 1% of FISTA on held-out patches", async () => {
    const m = (await runDefault(lcaPatches)).metrics;
    expect(m.lcaFistaGapPercent).toBeLessThan(1);
    expect(m.varianceExplained).toBeGreaterThan(0.7);
    expect(m.l0Fraction).toBeLessThan(0.25);
  }, LONG_TIMEOUT_MS);
});
