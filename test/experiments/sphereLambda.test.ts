import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { resolveExperimentConfig, runExperiment } from "../../src/experiments/runExperiment.js";
import { sphereLambda } from "../../src/experiments/sphereLambda.js";
import { LONG, LONG_TIMEOUT_MS, runDefault } from "./longRun.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("sphere-lambda experiment", () => {
  it("is registered; defaults sweep >= 6 lambdas including 0 and 1e-6 ... 1e-2, over >= 3 seeds", () => {
    expect(getExperiment("sphere-lambda")).toBe(sphereLambda);
    const c = resolveExperimentConfig(sphereLambda, [{}]);
    const l = c.lambdas as number[];
    expect(l.length).toBeGreaterThanOrEqual(6);
    expect(l).toEqual(expect.arrayContaining([0, 1e-6, 1e-4, 1e-2]));
    expect(c.seeds).toBeGreaterThanOrEqual(3);
    expect(() => resolveExperimentConfig(sphereLambda, [{ lambdas: [0, 0] }])).toThrow(/lambdas/);
    expect(() => resolveExperimentConfig(sphereLambda, [{ lambdas: [0, -1] }])).toThrow(/lambdas/);
  });

  it("--quick writes a report with sparsity and accuracy against lambda and the claim check", async () => {
    const out = mkdtempSync(join(tmpdir(), "sphere-lambda-"));
    const r = await runExperiment(sphereLambda, { quick: true, seed: 2, outDir: out, progress: "none" });
    const json = JSON.parse(readFileSync(r.files.json, "utf8"));
    expect(Object.keys(json.metrics)).toEqual(expect.arrayContaining(["results", "claims", "cpuSeconds"]));
    const rows = json.metrics.results as { lambda: number; testAccuracy: { runs: number[] }; fractionZeros: { mean: number }; weightedOvrTerm: { mean: number } }[];
    expect(rows.map((x) => x.lambda)).toEqual([0, 1e-5, 1e-3]);
    expect(rows[0].weightedOvrTerm.mean).toBe(0);
    expect(rows[2].weightedOvrTerm.mean).toBeGreaterThan(0);
    rows.forEach((row) => expect(row.testAccuracy.runs).toHaveLength(2));
    expect(Object.keys(json.metrics.claims)).toEqual(
      expect.arrayContaining(["sparsityVsLambda", "bestLambda", "accuracyPeakNear1e4Held", "accuracyFallsAfterPeak", "text"]),
    );
    expect([0, 1e-5, 1e-3]).toContain(json.metrics.claims.bestLambda);
    expect(typeof json.metrics.claims.accuracyPeakNear1e4Held).toBe("boolean");
    expect(r.files.plots.map((p) => p.split("/").pop())).toEqual(["fig01-sparsity-vs-lambda.svg", "fig02-accuracy-vs-lambda.svg"]);
    const spec = JSON.parse(readFileSync(r.files.specs[0], "utf8"));
    expect(JSON.stringify(spec)).toContain("lambda = 0 drawn at -6");
    expect(existsSync(join(out, "index.html"))).toBe(true);
  });
});

describe.runIf(LONG)("sphere-lambda default run (SPARSEKIT_LONG=1)", () => {
  it("sparsity rises with the OVR weight", async () => {
    const m = (await runDefault(sphereLambda)).metrics;
    expect(m.claims.sparsityVsLambda.direction).toBe("rises");
    expect(m.claims.sparsityVsLambda.slopePerDecade.mean).toBeGreaterThan(0.02);
  }, LONG_TIMEOUT_MS);
});
