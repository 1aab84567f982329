import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { resolveExperimentConfig, runExperiment } from "../../src/experiments/runExperiment.js";
import { sphereWidth } from "../../src/experiments/sphereWidth.js";
import { LONG, LONG_TIMEOUT_MS, runDefault } from "./longRun.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("sphere-width experiment", () => {
  it("is registered and its defaults follow the issue (7 widths x 4 partition counts x 3 seeds)", () => {
    expect(getExperiment("sphere-width")).toBe(sphereWidth);
    const c = resolveExperimentConfig(sphereWidth, [{}]);
    expect(c.widths).toEqual([8, 16, 32, 64, 128, 256, 512]);
    expect(c.partitions).toEqual([4, 16, 64, 256]);
    expect(c.seeds).toBeGreaterThanOrEqual(3);
    expect(() => resolveExperimentConfig(sphereWidth, [{ widths: [1] }])).toThrow(/widths/);
  });

  it("--quick writes a report with sparsity, accuracy, trends and claims; --resume reuses the trials", async () => {
    const out = mkdtempSync(join(tmpdir(), "sphere-width-"));
    const r = await runExperiment(sphereWidth, { quick: true, seed: 1, outDir: out, progress: "none" });
    const json = JSON.parse(readFileSync(r.files.json, "utf8"));
    expect(json.config.widths).toEqual([8, 16]);
    expect(Object.keys(json.metrics)).toEqual(expect.arrayContaining(["results", "trends", "claims", "cpuSeconds"]));
    const rows = json.metrics.results as { partitions: number; width: number; fractionZeros: { runs: number[]; mean: number }; hoyer: { runs: number[] }; testAccuracy: { mean: number } }[];
    expect(rows.map((x) => [x.partitions, x.width])).toEqual([[4, 8], [4, 16], [16, 8], [16, 16]]);
    for (const row of rows) {
      expect(row.fractionZeros.runs).toHaveLength(2);
      expect(row.fractionZeros.mean).toBeGreaterThan(0);
      expect(row.fractionZeros.mean).toBeLessThan(1);
      expect(row.testAccuracy.mean).toBeGreaterThan(0);
    }
    expect(json.metrics.claims.sparsityRisesWithWidth[0]).toMatch(/^fractionZeros vs width: (held|partly|did not hold)/);
    expect(json.metrics.claims.sparsityRisesWithPartitions).toHaveLength(3);
    expect(json.metrics.trends.vsWidth.fractionZeros).toHaveLength(2);
    expect(r.files.plots.map((p) => p.split("/").pop())).toEqual([
      "fig01-fraction-zeros-vs-width.svg",
      "fig02-hoyer-vs-width.svg",
      "fig03-live-fraction-zeros-vs-width.svg",
      "fig04-test-accuracy-vs-width.svg",
    ]);
    expect(json.contents.filter((c: { kind: string }) => c.kind === "table").map((c: { name: string }) => c.name)).toEqual(["results", "trends"]);
    expect(existsSync(join(out, "index.html"))).toBe(true);
    expect(existsSync(join(out, "checkpoints", "p16-w8-s1"))).toBe(true);

    const again = await runExperiment(sphereWidth, { outDir: out, resume: true, progress: "none" });
    const json2 = JSON.parse(readFileSync(again.files.json, "utf8"));
    expect(json2.metrics.results).toEqual(json.metrics.results);
  });
});

describe.runIf(LONG)("sphere-width default run (SPARSEKIT_LONG=1)", () => {
  it("sparsity rises with the number of partitions at every width", async () => {
    const m = (await runDefault(sphereWidth)).metrics;
    for (const t of m.trends.vsPartitions.fractionZeros as { direction: string }[]) expect(t.direction).toBe("rises");
  }, LONG_TIMEOUT_MS);
});
