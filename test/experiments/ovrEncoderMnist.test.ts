import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { ovrEncoderMnist } from "../../src/experiments/ovrEncoderMnist.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { resolveExperimentConfig, runExperiment } from "../../src/experiments/runExperiment.js";
import { LONG, LONG_TIMEOUT_MS, runDefault } from "./longRun.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

interface Contents {
  kind: string;
  name: string;
}

describe("ovr-encoder-mnist experiment", () => {
  it("is registered; defaults follow the seed (K = 2048, batch 128, Adam 1e-3, batch study 8..512)", () => {
    expect(getExperiment("ovr-encoder-mnist")).toBe(ovrEncoderMnist);
    const c = resolveExperimentConfig(ovrEncoderMnist, [{}]);
    expect(c.hiddenSize).toBe(2048);
    expect(c.batchSize).toBe(128);
    expect(c.learningRate).toBe(1e-3);
    expect(c.batchSizes).toEqual([8, 32, 128, 512]);
    expect(Math.min(...(c.lambdas as number[]))).toBeLessThanOrEqual(1e-5);
    expect(Math.max(...(c.lambdas as number[]))).toBeGreaterThanOrEqual(1e-1);
    expect(c.baselines).toEqual(["raw", "pca", "randomRelu", "kmeansTriangle", "sparseAutoencoder"]);
    expect(() => resolveExperimentConfig(ovrEncoderMnist, [{ batchSizes: [1] }])).toThrow(/batchSizes/);
    expect(() => resolveExperimentConfig(ovrEncoderMnist, [{ baselines: ["pixels"] }])).toThrow(/baselines/);
  });

  it("--quick writes the table, plots, filter grids and the answers; --resume reuses finished runs", async () => {
    const out = mkdtempSync(join(tmpdir(), "ovr-encoder-mnist-"));
    const lines: string[] = [];
    const r = await runExperiment(ovrEncoderMnist, { quick: true, seed: 2, outDir: out, progress: "none", log: (l) => lines.push(l) });
    const json = JSON.parse(readFileSync(r.files.json, "utf8"));
    const m = json.metrics;
    expect(Object.keys(m)).toEqual(
      expect.arrayContaining([
        "accuracy", "fractionZeros", "bestOvrLambda", "bestOvrAccuracy", "ovrMinusRandomRelu", "ovrMinusLambdaZero",
        "batchStudy", "batchStudyEqualSteps", "batchStudyScaledLambda", "weightChange", "cpuSeconds",
      ]),
    );
    const ids = Object.keys(m.accuracy);
    expect(ids).toEqual(
      expect.arrayContaining([
        "raw", "pca", "randomRelu", "kmeansTriangle", "sparseAutoencoder", "ovr-l0-b128-free", "ovr-l0.1-b128-free",
        "ovr-l0.001-b8-free", "ovr-l0.001-b32-free", "ovr-l0.001-b8-free-s2", "ovr-l0.001-b32-free-s2", "ovr-l0.001-b128-unit",
      ]),
    );
    for (const id of ids) {
      expect(m.accuracy[id]).toBeGreaterThan(0.3); // 10 classes: far above chance even at quick size
      expect(m.accuracy[id]).toBeLessThanOrEqual(1);
      expect(m.fractionZeros[id]).toBeGreaterThanOrEqual(0);
    }
    // ReLU-type codes are sparse; whitened PCA scores are not.
    expect(m.fractionZeros.randomRelu).toBeGreaterThan(0.3);
    expect(m.fractionZeros.pca).toBe(0);
    expect(m.batchStudy.map((b: { batchSize: number }) => b.batchSize)).toEqual([8, 32]);
    // equal epochs: 200 digits = 25 steps at batch 8; equal steps: as many as batch 128 takes (2)
    expect(m.batchStudy.map((b: { steps: number }) => b.steps)).toEqual([25, 7]);
    expect(m.batchStudyEqualSteps.map((b: { steps: number }) => b.steps)).toEqual([2, 2]);
    expect(m.bestOvrLambda).toBe(0.1); // lambda 0 is the control, not a candidate
    expect(m.ovrMinusLambdaZero.map((p: { lambda: number }) => p.lambda)).toEqual([0.1]);
    expect(m.weightChange.free).toBeGreaterThan(0);
    expect(m.weightChange.unitNormRows).toBeGreaterThan(0);
    expect(m.cosineToStart.free).toBeGreaterThan(0.5); // one tiny epoch: units barely turn
    expect(m.cosineToStart.free).toBeLessThanOrEqual(1 + 1e-6);
    expect(m.ovrMinusRandomRelu).toHaveLength(1);
    const table = (json.contents as Contents[]).find((c) => c.kind === "table" && c.name === "accuracy");
    expect(table).toBeDefined();
    const text = readFileSync(r.files.html, "utf8");
    expect(text).toMatch(/Do OVR-Encoder codes beat random ReLU features/);
    expect(text).toMatch(/Do small batches hurt/);
    expect(text).toMatch(/Does the OVR term matter at all/);
    expect(text).toMatch(/At equal optimizer steps/);
    expect(r.files.plots.map((p) => p.split("/").pop())).toEqual(
      expect.arrayContaining(["fig01-accuracy-by-representation.svg", "fig02-accuracy-vs-lambda.svg", "fig03-sparsity-vs-lambda.svg"]),
    );
    expect(r.files.images.some((p) => p.endsWith("filters-initial.png"))).toBe(true);
    expect(r.files.images.length).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(out, "index.html"))).toBe(true);

    // Resume: every run is read back, none recomputed, same numbers.
    const again: string[] = [];
    await runExperiment(ovrEncoderMnist, { resume: true, outDir: out, progress: "none", log: (l) => again.push(l) });
    expect(again.some((l) => /resuming: \d+ finished runs/.test(l))).toBe(true);
    expect(again.some((l) => /^ovr-l/.test(l))).toBe(false);
    const json2 = JSON.parse(readFileSync(r.files.json, "utf8"));
    expect(json2.metrics.accuracy).toEqual(m.accuracy);
  });

  it("chooses the probe's L2 on a validation split when several are given", async () => {
    const out = mkdtempSync(join(tmpdir(), "ovr-encoder-mnist-"));
    const r = await runExperiment(ovrEncoderMnist, {
      quick: true,
      seed: 1,
      outDir: out,
      progress: "none",
      config: { baselines: ["pca"], lambdas: [1e-2], batchSizes: [], compareUnitNormRows: false, probeL2: [1e-4, 10] },
    });
    expect(existsSync(r.files.json)).toBe(true);
    const rows = JSON.parse(readFileSync(join(out, "checkpoints", "ovr-encoder-rows.json"), "utf8")) as { id: string; probeL2: number; validationAccuracy: { l2: number; accuracy: number }[] }[];
    expect(rows.map((x) => x.id)).toEqual(["pca", "ovr-l0.01-b128-free"]);
    for (const row of rows) {
      const [small, large] = row.validationAccuracy;
      expect([small.l2, large.l2]).toEqual([1e-4, 10]);
      // ties go to the larger L2
      expect(row.probeL2).toBe(small.accuracy > large.accuracy ? 1e-4 : 10);
    }
    // an L2 of 10 crushes the weights: the validation split prefers 1e-4 for the PCA input
    expect(rows[0].probeL2).toBe(1e-4);
  });
});

describe.runIf(LONG)("ovr-encoder-mnist default run (SPARSEKIT_LONG=1)", () => {
  it("scores every representation with the linear probe; OVR codes beat raw pixels and PCA", async () => {
    const m = (await runDefault(ovrEncoderMnist)).metrics;
    for (const k of ["raw", "pca", "randomRelu", "kmeansTriangle", "sparseAutoencoder"]) expect(m.accuracy[k], k).toBeGreaterThan(0.85);
    expect(m.bestOvrAccuracy).toBeGreaterThan(m.accuracy.pca);
    expect(m.bestOvrAccuracy).toBeGreaterThan(m.accuracy.raw);
    expect(m.batchStudy.map((b: { batchSize: number }) => b.batchSize)).toEqual([8, 32, 128, 512]);
  }, LONG_TIMEOUT_MS);
});
