import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { ovrMlpMnist } from "../../src/experiments/ovrMlpMnist.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { resolveExperimentConfig, runExperiment } from "../../src/experiments/runExperiment.js";
import { LONG, LONG_TIMEOUT_MS, runDefault } from "./longRun.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("ovr-mlp-mnist experiment", () => {
  it("is registered; defaults are 784-512-10 over >= 3 seeds", () => {
    expect(getExperiment("ovr-mlp-mnist")).toBe(ovrMlpMnist);
    const c = resolveExperimentConfig(ovrMlpMnist, [{}]);
    expect(c.width).toBe(512);
    expect(c.seeds).toBeGreaterThanOrEqual(3);
    expect(() => resolveExperimentConfig(ovrMlpMnist, [{ dropout: 1 }])).toThrow(/dropout/);
  });

  it("--quick writes a table and plots comparing none, dropout and OVR", async () => {
    const out = mkdtempSync(join(tmpdir(), "ovr-mlp-mnist-"));
    const r = await runExperiment(ovrMlpMnist, { quick: true, seed: 3, outDir: out, progress: "none" });
    const json = JSON.parse(readFileSync(r.files.json, "utf8"));
    expect(Object.keys(json.metrics)).toEqual(expect.arrayContaining(["results", "claims", "perEpoch", "cpuSeconds"]));
    const rows = json.metrics.results as { condition: string; testAccuracy: { runs: number[]; mean: number }; fractionZeros: { mean: number } }[];
    expect(rows.map((x) => x.condition)).toEqual(["none", "dropout 0.5", "ovr 0.00001", "ovr 0.0001"]);
    rows.forEach((row) => {
      expect(row.testAccuracy.runs).toHaveLength(2);
      expect(row.testAccuracy.mean).toBeGreaterThan(0);
    });
    // lambda is chosen by validation accuracy, never by test accuracy
    const ovr = rows.filter((x) => x.condition.startsWith("ovr")) as unknown as { lambda: number; validationAccuracy: { mean: number } }[];
    const byVal = ovr.reduce((a, b) => (b.validationAccuracy.mean > a.validationAccuracy.mean ? b : a));
    expect(json.metrics.chosenOvrLambda).toBe(byVal.lambda);
    expect(json.metrics.selectedOn).toMatch(/validation/);
    expect(json.headline).toMatch(/chosen on 40 validation digits/);
    expect(["within seed noise", "higher", "lower"]).toContain(json.metrics.claims.ovrVsDropout.verdict);
    expect(json.metrics.perEpoch[0].epochs[0]).toHaveLength(2);
    expect(Object.keys(json.metrics.perEpoch[2].epochs[0][0])).toEqual(expect.arrayContaining(["testAccuracy", "validationAccuracy", "fractionZeros", "ovr"]));
    expect(r.files.plots.map((p) => p.split("/").pop())).toEqual([
      "fig01-accuracy-vs-sparsity.svg",
      "fig02-validation-accuracy-per-epoch.svg",
      "fig03-test-accuracy-per-epoch.svg",
      "fig04-fraction-zeros-per-epoch.svg",
    ]);
    expect(json.contents.some((c: { kind: string; name: string; lead: boolean }) => c.kind === "table" && c.name === "summary" && c.lead)).toBe(true);
    expect(existsSync(join(out, "index.html"))).toBe(true);
  });
});

describe.runIf(LONG)("ovr-mlp-mnist default run (SPARSEKIT_LONG=1)", () => {
  it("OVR makes the hidden layer sparser than no regularisation or dropout, at no loss of accuracy", async () => {
    const results = (await runDefault(ovrMlpMnist)).metrics.results as { condition: string; lambda: number; testAccuracy: { mean: number }; fractionZeros: { mean: number } }[];
    const none = results.find((r) => r.condition === "none")!;
    const ovr = results.filter((r) => r.lambda > 0);
    const best = ovr.reduce((a, b) => ((b as unknown as { validationAccuracy: { mean: number } }).validationAccuracy.mean > (a as unknown as { validationAccuracy: { mean: number } }).validationAccuracy.mean ? b : a));
    expect(best.testAccuracy.mean).toBeGreaterThan(none.testAccuracy.mean - 0.005);
    for (const r of ovr) expect(r.fractionZeros.mean).toBeGreaterThan(none.fractionZeros.mean);
  }, LONG_TIMEOUT_MS);
});
