import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { collectSweep } from "../../src/sweep/collect.js";
import { runSweepTrial } from "../../src/sweep/runTrial.js";
import { createSweepManifest, writeSweepManifest } from "../../src/sweep/sweepManifest.js";
import { writeTrialFailure } from "../../src/sweep/trialStore.js";
import { runCliForTest } from "../cli/runCliForTest.js";
import { tempDir } from "./sweepTestHelpers.js";

beforeAll(async () => {
  await initBackend({ backend: "cpu" });
});

describe("collectSweep / sweep collect", () => {
  it("lists missing and failed trials in the report and exits 1 unless --partial; complete once every trial is done", async () => {
    const experiment = getExperiment("sphere-lambda");
    const dir = tempDir("collect");
    const manifest = await writeSweepManifest(dir, createSweepManifest(experiment, { quick: true, backend: "cpu" }));
    const [failed, missing, ...rest] = manifest.trials;
    for (const t of rest) expect((await runSweepTrial(dir, manifest, t, experiment, { executor: "test", log: () => undefined })).status).toBe("done");
    await writeTrialFailure(dir, failed, { attempts: 2, error: "Error: out of memory\n    at somewhere" });

    const partial = await collectSweep(dir);
    expect(partial.complete).toBe(false);
    expect(partial.incomplete.map((t) => [t.trial.label, t.state])).toEqual([
      [failed.label, "failed"],
      [missing.label, "missing"],
    ]);
    const json = JSON.parse(readFileSync(partial.json, "utf8"));
    expect(json.metrics.sweepIncomplete).toEqual({ total: 6, done: 4, failed: [failed.label], running: [], missing: [missing.label] });
    const table = json.contents.find((c: { name?: string }) => c.name === "incomplete-trials");
    expect(table.rows[0].error).toBe("Error: out of memory");
    // sphere-lambda's reduce needs every trial: the report holds the finished trials' numbers
    expect(json.contents.find((c: { name?: string }) => c.name === "finished-trials").rows).toHaveLength(4);

    const cli = await runCliForTest(["--backend", "cpu", "sweep", "collect", dir]);
    expect(cli.code).toBe(1);
    expect(cli.err).toMatch(/2 trial\(s\) without a result/);
    expect((await runCliForTest(["--backend", "cpu", "sweep", "collect", dir, "--partial"])).code).toBe(0);

    for (const t of [failed, missing]) await runSweepTrial(dir, manifest, t, experiment, { executor: "test", log: () => undefined });
    const done = await collectSweep(dir);
    expect(done.complete).toBe(true);
    const full = JSON.parse(readFileSync(done.json, "utf8"));
    expect(full.metrics.sweepIncomplete).toBeUndefined();
    expect(full.metrics.results).toHaveLength(3);
    expect(full.contents.map((c: { name?: string }) => c.name)).toContain("sparsity-vs-lambda");
    // the page shows the trials' time, not how long the collect took
    const html = readFileSync(done.html, "utf8");
    expect(html).toMatch(/trials, summed \(s\)/);
    expect(html).toMatch(/sweep, first trial start to last finish \(s\)/);
    expect(html).not.toContain("wall clock (s)");
  });

  it("an experiment without a grid is one trial whose report becomes the sweep's report", async () => {
    const experiment = getExperiment("sae-patches");
    const dir = tempDir("collect-single");
    const manifest = await writeSweepManifest(dir, createSweepManifest(experiment, { quick: true, backend: "cpu" }));
    expect(manifest.grid).toBe(false);
    expect((await runSweepTrial(dir, manifest, manifest.trials[0], experiment, { executor: "test", log: () => undefined })).status).toBe("done");
    const r = await collectSweep(dir);
    expect(r.complete).toBe(true);
    const json = JSON.parse(readFileSync(r.json, "utf8"));
    expect(json.title).toBe(experiment.title);
    expect(json.config).toEqual(manifest.config);
    expect(Object.keys(json.metrics).length).toBeGreaterThan(0);
  });
});
