import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { getExperiment } from "../../src/experiments/registry.js";
import { createSweepManifest, sweepLayout } from "../../src/sweep/sweepManifest.js";
import {
  markTrialStarted,
  readTrialFailure,
  readTrialResult,
  schedulerEnvironment,
  trialResultValue,
  writeTrialFailure,
  writeTrialResult,
} from "../../src/sweep/trialStore.js";
import { tempDir } from "./sweepTestHelpers.js";

describe("trialStore", () => {
  const manifest = createSweepManifest(getExperiment("sphere-lambda"), { quick: true, backend: "cpu" });
  const [trial, other] = manifest.trials;
  const info = { attempt: 1, startedAt: new Date(), seconds: 1.5, cpuSeconds: 1.2 };

  it("round-trips a result with NaN, Infinity and typed arrays; later reads see it as valid", async () => {
    const dir = tempDir("store");
    expect(await readTrialResult(dir, manifest, trial)).toBeUndefined();
    await writeTrialResult(dir, manifest, trial, { acc: 0.5, hoyer: NaN, big: -Infinity, codes: new Float32Array([1, 2]) }, info);
    const stored = await readTrialResult(dir, manifest, trial);
    expect(stored?.id).toBe(trial.id);
    expect(trialResultValue(stored!)).toEqual({ acc: 0.5, hoyer: NaN, big: -Infinity, codes: [1, 2] });
  });

  it("a result of another trial or of an unknown format is not valid", async () => {
    const dir = tempDir("store");
    await writeTrialResult(dir, manifest, trial, { a: 1 }, info);
    const file = sweepLayout.result(dir, trial.id);
    const text = readFileSync(file, "utf8");
    mkdirSync(sweepLayout.trialDir(dir, other.id), { recursive: true });
    writeFileSync(sweepLayout.result(dir, other.id), text);
    expect(await readTrialResult(dir, manifest, other)).toBeUndefined();
    writeFileSync(file, text.replace('"formatVersion": 1', '"formatVersion": 99'));
    expect(await readTrialResult(dir, manifest, trial)).toBeUndefined();
  });

  it("counts attempts; a result removes the failure note and the checkpoints", async () => {
    const dir = tempDir("store");
    expect(await markTrialStarted(dir, trial, "local")).toBe(1);
    expect(await markTrialStarted(dir, trial, "local")).toBe(2);
    await writeTrialFailure(dir, trial, { attempts: 2, error: "Error: boom", stderrTail: "last words" });
    expect((await readTrialFailure(dir, trial))?.stderrTail).toBe("last words");
    await writeTrialResult(dir, manifest, trial, { a: 1 }, info);
    expect(await readTrialFailure(dir, trial)).toBeUndefined();
  });

  it("removes the temporaries a writer killed mid-write left behind, when an attempt starts and when it ends", async () => {
    const dir = tempDir("store");
    mkdirSync(sweepLayout.trialDir(dir, trial.id), { recursive: true });
    const orphan = () => writeFileSync(`${sweepLayout.started(dir, trial.id)}.tmp-123-abc`, "{\"attem");
    orphan();
    await markTrialStarted(dir, trial, "local");
    expect(readdirSync(sweepLayout.trialDir(dir, trial.id))).toEqual(["started.json"]);
    orphan();
    await writeTrialResult(dir, manifest, trial, { a: 1 }, info);
    expect(readdirSync(sweepLayout.trialDir(dir, trial.id)).sort()).toEqual(["result.json", "started.json"]);
  });

  it("records which scheduler task ran a trial", () => {
    expect(schedulerEnvironment({ SLURM_ARRAY_JOB_ID: "7", SLURM_ARRAY_TASK_ID: "3", PATH: "/bin" })).toEqual({ SLURM_ARRAY_JOB_ID: "7", SLURM_ARRAY_TASK_ID: "3" });
    expect(schedulerEnvironment({ JOB_COMPLETION_INDEX: "4", HOSTNAME: "job-4-abc" })).toEqual({ JOB_COMPLETION_INDEX: "4", POD: "job-4-abc" });
  });
});
