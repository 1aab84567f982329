import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { resolveExperimentConfig, runExperiment } from "../../src/experiments/runExperiment.js";
import { sataeMnist } from "../../src/experiments/sataeMnist.js";
import type { Experiment } from "../../src/experiments/Experiment.js";
import { LONG, LONG_TIMEOUT_MS, runDefault } from "./longRun.js";

const experiment = sataeMnist as unknown as Experiment;

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const tmp = () => mkdtempSync(join(tmpdir(), "satae-mnist-"));
const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));

const SWEEP_KEYS = [
  "alpha", "saturated", "saturatedLow", "saturatedHigh", "reconstructionMse", "meanFc", "hoyer", "fractionZeros", "deadUnits", "units",
  "lifetimeSparsity", "relativeChangeW", "trainLoss", "trainReconstruction", "trainSaturation", "seconds",
];

describe("satae-mnist", () => {
  it("is registered and validates its config", () => {
    expect(getExperiment("satae-mnist")).toBe(experiment);
    expect(() => resolveExperimentConfig(experiment, [{ denoising: { kind: "masking", level: 1 } }])).toThrow(/masking level must be < 1/);
    expect(() => resolveExperimentConfig(experiment, [{ variant: "lstm", colour: 1 }])).toThrow(/variant.*colour|colour.*variant/);
    const c = resolveExperimentConfig(experiment, [{}]);
    expect(c).toMatchObject({ variant: "dense", activation: "satlin", alphas: null, denoising: { kind: "masking", level: 0.25 } });
  });

  for (const variant of ["dense", "conv"] as const) {
    it(`--quick (${variant}) writes the report with the sweep, figures and per-epoch records`, async () => {
      const out = tmp();
      const r = await runExperiment(experiment, { quick: true, config: { variant }, seed: 1, outDir: out, progress: "none" });
      const json = readReport(out);
      const alphas: number[] = json.metrics.resolved.alphas;
      expect(alphas[0]).toBe(0);
      expect(alphas.length).toBeGreaterThanOrEqual(2);
      expect(json.metrics.variant).toBe(variant);
      expect(json.metrics.sweep).toHaveLength(alphas.length);
      for (const row of json.metrics.sweep) {
        expect(Object.keys(row).sort()).toEqual([...SWEEP_KEYS].sort());
        expect(row.saturated).toBeGreaterThanOrEqual(0);
        expect(row.saturated).toBeLessThanOrEqual(1);
        expect(row.saturated).toBeCloseTo(row.saturatedLow + row.saturatedHigh, 10);
        expect(row.reconstructionMse).toBeGreaterThan(0);
        expect(row.units).toBe(variant === "dense" ? 32 : 4);
      }
      expect(typeof json.metrics.saturationNonDecreasingInAlpha).toBe("boolean");
      expect(json.epochs).toHaveLength(1);
      expect(json.epochs[0]).toHaveProperty("α=0 loss");
      expect(json.epochs[0]).toHaveProperty(`α=${alphas[alphas.length - 1]} held-out saturated`);
      const names = json.contents.map((c: { name?: string; heading?: string }) => c.name ?? c.heading);
      for (const name of [
        "saturated fraction vs alpha", "reconstruction error vs alpha", "Does saturation rise with alpha?", "loss curves",
        "saturated fraction during training", "pre-activations α=0", "activations α=0", "lifetime sparsity α=0", "filters α=0", "reconstructions α=0", "sweep",
      ]) {
        expect(names).toContain(name);
      }
      if (variant === "conv") expect(names).toContain("feature maps α=0");
      // one labelled filter row per alpha at the top, then the full filter grid per alpha, reconstructions (and feature maps)
      expect(r.files.images.length).toBe(2 * alphas.length + 2 + (variant === "conv" ? 2 : 0));
      for (const f of [...r.files.images, ...r.files.plots, r.files.html]) expect(existsSync(f)).toBe(true);
      expect(readdirSync(join(out, "checkpoints")).sort()).toEqual(alphas.map((_, i) => `alpha-${i}`));
    });
  }

  it("resumes: a run extended from 1 to 2 epochs continues from its checkpoints", async () => {
    const out = tmp();
    await runExperiment(experiment, { quick: true, config: { alphas: [0, 1] }, seed: 2, outDir: out, progress: "none" });
    const first = readReport(out);
    await runExperiment(experiment, { outDir: out, resume: true, overrides: { epochs: 2 }, progress: "none" });
    const second = readReport(out);
    expect(second.config.epochs).toBe(2);
    expect(second.epochs).toHaveLength(2);
    // Epoch 1 comes from the checkpoint, not from a new run.
    expect(second.epochs[0]["α=1 loss"]).toBe(first.epochs[0]["α=1 loss"]);
    expect(second.epochs[1]["α=1 loss"]).toBeLessThan(second.epochs[0]["α=1 loss"]);
    expect(second.metrics.sweep.map((r: { alpha: number }) => r.alpha)).toEqual([0, 1]);
  });
});

describe.runIf(LONG)("satae-mnist default runs (SPARSEKIT_LONG=1)", () => {
  for (const variant of ["dense", "conv"]) {
    it(`${variant}: the saturated fraction rises with alpha`, async () => {
      const m = (await runDefault(sataeMnist, { variant })).metrics;
      expect(m.saturationNonDecreasingInAlpha).toBe(true);
      const sweep = m.sweep as { saturated: number }[];
      expect(sweep[sweep.length - 1]!.saturated - sweep[0]!.saturated).toBeGreaterThan(0.3);
    }, LONG_TIMEOUT_MS);
  }
});
