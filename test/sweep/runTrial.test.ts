import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { runSweepTrial } from "../../src/sweep/runTrial.js";
import { EXIT_INTERRUPTED } from "../../src/sweep/signalCheckpoint.js";
import { createSweepManifest, sweepLayout, writeSweepManifest } from "../../src/sweep/sweepManifest.js";
import { readTrialResult, trialResultValue } from "../../src/sweep/trialStore.js";
import { runCliForTest } from "../cli/runCliForTest.js";
import { spawnCli, tempDir, waitFor } from "./sweepTestHelpers.js";

beforeAll(async () => {
  await initBackend({ backend: "cpu" });
});

const experiment = getExperiment("sphere-lambda");
const log = () => undefined;

describe("runSweepTrial / sweep run-trial", () => {
  it("runs a trial once: its result is stored, a second call skips it", async () => {
    const dir = tempDir("trial");
    const manifest = await writeSweepManifest(dir, createSweepManifest(experiment, { quick: true, backend: "cpu" }));
    const trial = manifest.trials[1];
    const first = await runSweepTrial(dir, manifest, trial, experiment, { executor: "test", log });
    expect(first.status).toBe("done");
    const stored = await readTrialResult(dir, manifest, trial);
    expect(trialResultValue<{ testAccuracy: number }>(stored!).testAccuracy).toBeGreaterThan(0);
    expect(existsSync(sweepLayout.checkpoints(dir, trial.id))).toBe(false);
    expect((await runSweepTrial(dir, manifest, trial, experiment, { executor: "test", log })).status).toBe("skipped");
    const wrongBackend = { ...manifest, backend: "wasm" };
    await expect(runSweepTrial(tempDir("trial"), wrongBackend, trial, experiment, { executor: "test", log })).rejects.toThrow(/backend/);
  });

  it("SIGTERM: checkpoint at the epoch end, exit 75, no result; the retry resumes and gives the uninterrupted numbers", async () => {
    const config = { lambdas: [0, 1e-3], seeds: 1, epochs: 60 };
    const dir = tempDir("signal");
    const manifest = await writeSweepManifest(dir, createSweepManifest(experiment, { quick: true, config, backend: "cpu" }));
    const trial = manifest.trials[1];
    const child = spawnCli(["--backend", "cpu", "sweep", "run-trial", dir, "1"]);
    await waitFor(() => existsSync(sweepLayout.started(dir, trial.id)), 60_000, "the trial to start");
    await new Promise((r) => setTimeout(r, 300));
    child.child.kill("SIGTERM");
    const ended = await child.done;
    expect(ended.code, ended.err).toBe(EXIT_INTERRUPTED);
    expect(ended.err).toMatch(/SIGTERM/);
    expect(existsSync(sweepLayout.result(dir, trial.id))).toBe(false);
    expect(JSON.parse(readFileSync(sweepLayout.interrupted(dir, trial.id), "utf8")).signal).toBe("SIGTERM");
    expect(existsSync(join(sweepLayout.checkpoints(dir, trial.id)))).toBe(true);

    const retry = await runCliForTest(["--backend", "cpu", "sweep", "run-trial", dir, "1"]);
    expect(retry.code).toBe(0);
    const resumed = trialResultValue<Record<string, unknown>>((await readTrialResult(dir, manifest, trial))!);
    expect(resumed.resumed).toBe(true);
    expect(existsSync(sweepLayout.interrupted(dir, trial.id))).toBe(false);

    const refDir = tempDir("signal-ref");
    await runSweepTrial(refDir, manifest, trial, experiment, { executor: "test", log });
    const reference = trialResultValue<Record<string, unknown>>((await readTrialResult(refDir, manifest, trial))!);
    const strip = ({ resumed: _r, cpuSeconds: _c, ...rest }: Record<string, unknown>) => rest;
    expect(strip(resumed)).toEqual(strip(reference));
  });

  it("run-trial: an index out of range is a usage error", async () => {
    const dir = tempDir("trial");
    await writeSweepManifest(dir, createSweepManifest(experiment, { quick: true, backend: "cpu" }));
    const r = await runCliForTest(["--backend", "cpu", "sweep", "run-trial", dir, "6"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/out of range.*0-5/);
  });
});
