import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { getExperiment } from "../../src/experiments/registry.js";
import { createSweepManifest, experimentTrials, readSweepManifest, sweepLayout, writeSweepManifest } from "../../src/sweep/sweepManifest.js";
import { trialId } from "../../src/sweep/trialId.js";
import { tempDir } from "./sweepTestHelpers.js";

describe("sweepManifest", () => {
  it("lists the grid's trials with deterministic ids, the resolved config and the backend", () => {
    const m = createSweepManifest(getExperiment("sphere-lambda"), { quick: true, backend: "cpu" });
    expect(m.experiment).toBe("sphere-lambda");
    expect(m.grid).toBe(true);
    expect(m.trials).toHaveLength(6); // 3 lambdas x 2 seeds
    expect(m.trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(m.trials.map((t) => t.id)).size).toBe(6);
    for (const t of m.trials) expect(t.id).toBe(trialId("sphere-lambda", t.config, t.seed));
    expect(m.config.lambdas).toEqual([0, 1e-5, 1e-3]);
    expect(createSweepManifest(getExperiment("sphere-lambda"), { quick: true, backend: "cpu" }).trials.map((t) => t.id)).toEqual(m.trials.map((t) => t.id));
  });

  it("an experiment without a grid is one trial: the whole run", () => {
    const e = getExperiment("sae-patches");
    expect(e.grid).toBeUndefined();
    const trials = experimentTrials(e, { a: 1 }, 3);
    expect(trials).toEqual([{ label: "run", config: { a: 1 }, seed: 3 }]);
  });

  it("validates the config like sparsekit run", () => {
    expect(() => createSweepManifest(getExperiment("sphere-lambda"), { config: { nope: 1 }, backend: "cpu" })).toThrow(/nope/);
  });

  it("writes sweep.json once; the same sweep resumes, a grown grid replaces it, another experiment or backend is refused", async () => {
    const dir = tempDir("manifest");
    const e = getExperiment("sphere-lambda");
    const m = createSweepManifest(e, { quick: true, backend: "cpu" });
    await writeSweepManifest(dir, m);
    const again = await writeSweepManifest(dir, createSweepManifest(e, { quick: true, backend: "cpu" }));
    expect(again.createdAt).toBe(m.createdAt);
    expect((await readSweepManifest(dir)).trials).toEqual(m.trials);
    await expect(writeSweepManifest(dir, createSweepManifest(getExperiment("sphere-width"), { quick: true, backend: "cpu" }))).rejects.toThrow(/another sweep/);
    // a grown grid replaces the manifest and keeps the ids of the trials it shares
    const grown = await writeSweepManifest(dir, createSweepManifest(e, { quick: true, config: { lambdas: [0, 1e-5, 1e-4, 1e-3] }, backend: "cpu" }));
    expect(grown.trials).toHaveLength(8);
    expect(grown.trials.map((t) => t.id)).toEqual(expect.arrayContaining(m.trials.map((t) => t.id)));
    expect((await readSweepManifest(dir)).trials).toHaveLength(8);
    await writeSweepManifest(dir, m);
    await expect(writeSweepManifest(dir, createSweepManifest(e, { quick: true, backend: "wasm" }))).rejects.toThrow(/--backend cpu/);
    const file = sweepLayout.manifest(dir);
    writeFileSync(file, readFileSync(file, "utf8").replace('"sparsekit-sweep"', '"other"'));
    await expect(readSweepManifest(dir)).rejects.toThrow(/not a sparsekit-sweep/);
  });
});
