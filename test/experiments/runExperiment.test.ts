import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineExperiment } from "../../src/experiments/Experiment.js";
import { resolveExperimentConfig, runExperiment } from "../../src/experiments/runExperiment.js";
import { createRng } from "../../src/random/index.js";
import { lineChart } from "../../src/report/node.js";

const seen: { config: Record<string, unknown>; seed: number; resume: boolean }[] = [];

const toy = defineExperiment({
  name: "toy",
  title: "Toy experiment",
  description: "Draws numbers from the seeded stream.",
  configSchema: z.strictObject({ epochs: z.number().int().min(1).default(3), scale: z.number().positive().default(1) }),
  quick: { epochs: 1 },
  async run(config, ctx, report) {
    seen.push({ config, seed: ctx.seed, resume: ctx.resume });
    const rng = createRng(ctx.seed);
    for (let e = 1; e <= config.epochs; e++) report.recordEpoch({ loss: config.scale * rng.next() });
    report.addPlot("loss", lineChart([report.epochSeries("loss")]), "loss per epoch");
    report.setMetrics({ draws: config.epochs });
  },
});

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("runExperiment", () => {
  it("layers defaults < quick < file < overrides and writes the report", async () => {
    const out = mkdtempSync(join(tmpdir(), "sparsekit-run-"));
    const r = await runExperiment(toy, { quick: true, config: { scale: 2 }, overrides: {}, seed: 7, outDir: out });
    expect(r.config).toEqual({ epochs: 1, scale: 2 });
    const json = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(json.seed).toBe(7);
    expect(json.config).toEqual({ epochs: 1, scale: 2 });
    expect(json.backend).toBe("cpu");
    expect(existsSync(join(out, "index.html"))).toBe(true);
    const r2 = await runExperiment(toy, { quick: true, config: { epochs: 2 }, overrides: { epochs: 5 }, seed: 7, outDir: out });
    expect(r2.config.epochs).toBe(5);
  });
  it("is reproducible: same seed, same numbers", async () => {
    const a = mkdtempSync(join(tmpdir(), "sparsekit-run-"));
    const b = mkdtempSync(join(tmpdir(), "sparsekit-run-"));
    await runExperiment(toy, { seed: 3, outDir: a });
    await runExperiment(toy, { seed: 3, outDir: b });
    const ea = JSON.parse(readFileSync(join(a, "report.json"), "utf8")).epochs;
    const eb = JSON.parse(readFileSync(join(b, "report.json"), "utf8")).epochs;
    expect(ea).toEqual(eb);
  });
  it("rejects unknown keys and wrong types, listing every problem", () => {
    expect(() => resolveExperimentConfig(toy, [{ epochs: 0, colour: "red" }])).toThrow(/invalid config for experiment 'toy': .*epochs.*colour|invalid config.*colour.*epochs/);
  });
  it("resumes with the saved config and refuses a conflicting one", async () => {
    const out = mkdtempSync(join(tmpdir(), "sparsekit-run-"));
    await runExperiment(toy, { seed: 4, outDir: out, config: { scale: 3 } });
    seen.length = 0;
    await runExperiment(toy, { outDir: out, resume: true, overrides: { epochs: 4 } });
    expect(seen[0]).toEqual({ config: { epochs: 4, scale: 3 }, seed: 4, resume: true });
    await expect(runExperiment(toy, { outDir: out, resume: true, seed: 5 })).rejects.toThrow(/used seed 4/);
    await expect(runExperiment(toy, { outDir: mkdtempSync(join(tmpdir(), "x-")), resume: true })).rejects.toThrow(/cannot resume: no run-config.json/);
  });
});
