import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { entropyMnist, pickRestart } from "../../src/experiments/entropyMnist.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { resolveExperimentConfig, runExperiment } from "../../src/experiments/runExperiment.js";
import { LONG, LONG_TIMEOUT_MS, runDefault } from "./longRun.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("entropy-mnist experiment", () => {
  it("is registered; defaults: N = 10, 5 seeds of marginal + consistency, settings chosen on validation digits", () => {
    expect(getExperiment("entropy-mnist")).toBe(entropyMnist);
    const c = resolveExperimentConfig(entropyMnist, [{}]);
    expect(c.numClusters).toBe(10);
    expect(c.seeds).toBe(5);
    expect(c.select).toBe(true);
    expect((c.candidates as unknown[]).length).toBeGreaterThanOrEqual(2);
    expect(c.consistencyWeight).toBeGreaterThan(0);
    expect(() => resolveExperimentConfig(entropyMnist, [{ beta: 0 }])).toThrow(/beta/);
    expect(() => resolveExperimentConfig(entropyMnist, [{ augmentation: { maxScale: 1 } }])).toThrow(/maxScale/);
  });

  it("--quick writes the report with scores, collapse curves, sweep and failure modes; resume reuses checkpoints", async () => {
    const out = mkdtempSync(join(tmpdir(), "entropy-mnist-"));
    const r = await runExperiment(entropyMnist, { quick: true, seed: 5, outDir: out, progress: "none" });
    const json = JSON.parse(readFileSync(r.files.json, "utf8"));
    const m = json.metrics;
    expect(Object.keys(m)).toEqual(
      expect.arrayContaining(["seeds", "methods", "headline", "runs", "kmeans", "collapse", "sweep", "failureModes", "cpuSeconds"]),
    );
    expect(Object.keys(m.headline)).toEqual([
      "perUnit", "marginal", "marginalConsistency", "marginalConsistencySelected", "kmeansPixels", "kmeansPca",
    ]);
    expect(m.extraClusterCounts).toEqual([]);
    for (const h of Object.values(m.headline) as { acc: number; nmi: number; ari: number }[]) {
      expect(h.acc).toBeGreaterThan(0);
      expect(h.acc).toBeLessThanOrEqual(1);
      expect(h.nmi).toBeGreaterThanOrEqual(0);
      expect(h.ari).toBeLessThanOrEqual(1);
    }
    expect(m.methods.marginalConsistency.acc.runs).toHaveLength(2);
    // each seed reports its restart with the largest label-free criterion, at that restart's kept epoch
    expect(m.restarts).toHaveLength(2);
    m.restarts.forEach((set: { picked: number; runs: { acc: number; criterion: number; chosenEpoch: number }[] }, i: number) => {
      expect(set.runs).toHaveLength(2);
      expect(set.runs[set.picked]!.criterion).toBe(Math.max(...set.runs.map((r) => r.criterion)));
      for (const r of set.runs) expect([1, 2]).toContain(r.chosenEpoch);
      expect(m.runs.marginalConsistency[i].acc).toBe(set.runs[set.picked]!.acc);
    });
    expect(existsSync(join(out, "checkpoints", "marginalConsistency-N10-seed1-restart1"))).toBe(true);
    // the label-free selection picks the seed with the lowest final training loss
    const losses = m.runs.marginalConsistency.map((r: { finalLoss: number }) => r.finalLoss);
    const pick = losses.indexOf(Math.min(...losses));
    expect(m.headline.marginalConsistencySelected.acc).toBe(m.runs.marginalConsistency[pick].acc);
    // consistency weight, augmentation and epochs chosen on validation digits by the label-free criterion
    expect(m.selection.records).toHaveLength(2);
    for (const rec of m.selection.records) {
      expect(rec.mi).toHaveLength(3);
      for (const v of rec.mi) expect(v >= -1e-6 && v <= Math.log(10) + 1e-6, String(v)).toBe(true);
    }
    const allMi = m.selection.records.flatMap((rec: { mi: number[] }) => rec.mi.slice(1));
    expect(m.selection.chosen.mi).toBe(Math.max(...allMi));
    expect(m.marginalConsistencyEpochs).toBe(m.selection.chosen.epochs);
    expect(m.collapse.perUnitUsedPerEpoch).toHaveLength(2);
    expect(m.collapse.perUnitUsedPerEpoch[0]).toHaveLength(3); // untrained + 2 epochs
    expect(m.sweep).toHaveLength(4);
    expect(m.failureModes.smallLambda.lambda).toBe(0);
    expect(m.failureModes.smallBeta.beta).toBe(-0.001);
    expect(m.failureModes.smallBeta.clusterSizes.reduce((a: number, b: number) => a + b, 0)).toBe(100);
    expect(json.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([0, 1, 2]);
    expect(Object.keys(json.epochs[0])).toEqual(expect.arrayContaining(["perUnit.acc", "marginalConsistency.used"]));
    const names = r.files.images.map((p) => p.split("/").pop());
    expect(names.some((n) => n?.includes("samples-best"))).toBe(true);
    expect(names.some((n) => n?.includes("samples-small-beta"))).toBe(true);
    expect(r.files.plots.some((p) => p.includes("used-clusters-per-epoch"))).toBe(true);
    expect(existsSync(join(out, "index.html"))).toBe(true);
    expect(existsSync(join(out, "checkpoints", "perUnit-N10-seed0"))).toBe(true);
    expect(existsSync(join(out, "checkpoints", "marginalConsistency-N10-seed1"))).toBe(true);

    const again = await runExperiment(entropyMnist, { resume: true, outDir: out, progress: "none" });
    const m2 = JSON.parse(readFileSync(again.files.json, "utf8")).metrics;
    expect(m2.headline).toEqual(m.headline);
    expect(m.evaluatedOn).toBe("test");
    expect(m.evaluatedDigits).toBe(100);
  });

  it("evaluateOn 'validation' scores held-out training digits (for tuning without the test digits)", async () => {
    const out = mkdtempSync(join(tmpdir(), "entropy-mnist-val-"));
    const overrides = { evaluateOn: "validation", validationSize: 60, seeds: 1, ablationSeeds: 1, select: false, extraClusterCounts: [], betaGrid: [-1], lambdaGrid: [4], restarts: 1 };
    const r = await runExperiment(entropyMnist, { quick: true, seed: 2, outDir: out, progress: "none", overrides: { ...overrides, neighbourWeight: 1, neighbourCount: 3, overclusterCount: 20 } });
    const m = JSON.parse(readFileSync(r.files.json, "utf8")).metrics;
    // the neighbour term, with its ablation on the same seed; one run per seed without restarts
    expect(Object.keys(m.headline)).toContain("withoutNeighbours");
    expect(m.methods.marginalConsistency.label).toMatch(/neighbours.*with a 20-cluster auxiliary head/);
    expect(m.restarts).toBeUndefined();
    expect(m.evaluatedOn).toBe("validation");
    expect(m.evaluatedDigits).toBe(60);
    expect(m.failureModes.smallBeta.clusterSizes.reduce((a: number, b: number) => a + b, 0)).toBe(60);
    await expect(
      runExperiment(entropyMnist, { quick: true, outDir: mkdtempSync(join(tmpdir(), "entropy-mnist-bad-")), progress: "none", overrides: { ...overrides, validationSize: 299 } }),
    ).rejects.toThrow(/validationSize.*299/);
  });
});

describe("pickRestart", () => {
  // A restart whose criterion per epoch is `criterion`, kept at `chosenEpoch`.
  const run = (criterion: number[] | undefined, chosenEpoch?: number) =>
    ({ chosenEpoch, keptCriterion: chosenEpoch === undefined ? undefined : criterion?.[chosenEpoch] }) as unknown as Parameters<typeof pickRestart>[0][number];
  it("takes the restart with the largest criterion at its kept epoch; ties and missing criteria keep the earlier one", () => {
    expect(pickRestart([run([0, 1.2, 1.5], 2), run([0, 1.9, 1.1], 1), run([0, 1.4, 1.6], 2)]).picked).toBe(1);
    expect(pickRestart([run([0, 1.5], 1), run([0, 1.5], 1)]).picked).toBe(0);
    expect(pickRestart([run(undefined), run(undefined)]).picked).toBe(0);
  });
});

describe.runIf(LONG)("entropy-mnist default run (SPARSEKIT_LONG=1)", () => {
  it("chooses its settings on validation digits without labels and scores 5 seeds of marginal + consistency above k-means", async () => {
    const m = (await runDefault(entropyMnist)).metrics;
    expect(m.selection.records).toHaveLength(4);
    expect(m.marginalConsistencyEpochs).toBe(m.selection.chosen.epochs);
    expect(m.methods.marginalConsistency.acc.runs).toHaveLength(5);
    expect(m.restarts).toHaveLength(5);
    for (const set of m.restarts) expect(set.runs).toHaveLength(3);
    expect(m.marginalConsistencyMeanAccuracy).toBeGreaterThan(m.headline.kmeansPixels.acc);
    expect(m.collapse.perUnitCollapsedSeeds).toBeGreaterThan(0);
  }, LONG_TIMEOUT_MS);
});
