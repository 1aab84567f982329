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
    expect(rows.map((x) => x.condition)).toEqual(["none", "dropout 0.5", "ovr 0.0001"]);
    rows.forEach((row) => {
      expect(row.testAccuracy.runs).toHaveLength(2);
      expect(row.testAccuracy.mean).toBeGreaterThan(0);
    });
    expect(json.metrics.claims.bestOvrLambda).toBe(1e-4);
    expect(["within seed noise", "higher", "lower"]).toContain(json.metrics.claims.ovrVsDropout.verdict);
    expect(json.metrics.perEpoch[0].epochs[0]).toHaveLength(2);
    expect(Object.keys(json.metrics.perEpoch[2].epochs[0][0])).toEqual(expect.arrayContaining(["testAccuracy", "fractionZeros", "ovr"]));
    expect(r.files.plots.map((p) => p.split("/").pop())).toEqual([
      "fig01-test-accuracy-per-epoch.svg",
      "fig02-fraction-zeros-per-epoch.svg",
      "fig03-accuracy-vs-sparsity.svg",
    ]);
    expect(json.contents.some((c: { kind: string; name: string }) => c.kind === "table" && c.name === "results")).toBe(true);
    expect(existsSync(join(out, "index.html"))).toBe(true);
  });
});

describe.runIf(LONG)("ovr-mlp-mnist default run (SPARSEKIT_LONG=1)", () => {
  it("OVR makes the hidden layer sparser than no regularisation or dropout, at no loss of accuracy", async () => {
    const results = (await runDefault(ovrMlpMnist)).metrics.results as { condition: string; lambda: number; testAccuracy: { mean: number }; fractionZeros: { mean: number } }[];
    const none = results.find((r) => r.condition === "none")!;
    const ovr = results.filter((r) => r.lambda > 0);
    const best = ovr.reduce((a, b) => (b.testAccuracy.mean > a.testAccuracy.mean ? b : a));
    expect(best.testAccuracy.mean).toBeGreaterThan(none.testAccuracy.mean - 0.005);
    for (const r of ovr) expect(r.fractionZeros.mean).toBeGreaterThan(none.fractionZeros.mean);
  }, LONG_TIMEOUT_MS);
});
