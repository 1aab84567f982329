import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { runSweepTrial } from "../../src/sweep/runTrial.js";
import { formatSweepStatus, sweepStatus } from "../../src/sweep/status.js";
import { createSweepManifest, writeSweepManifest } from "../../src/sweep/sweepManifest.js";
import { markTrialStarted, writeTrialFailure } from "../../src/sweep/trialStore.js";
import { runCliForTest } from "../cli/runCliForTest.js";
import { tempDir } from "./sweepTestHelpers.js";

beforeAll(async () => {
  await initBackend({ backend: "cpu" });
});

describe("sweepStatus / sweep status", () => {
  it("counts done, failed, running and missing trials", async () => {
    const experiment = getExperiment("sphere-lambda");
    const dir = tempDir("status");
    const manifest = await writeSweepManifest(dir, createSweepManifest(experiment, { quick: true, backend: "cpu" }));
    const [a, b, c] = manifest.trials;
    await runSweepTrial(dir, manifest, a, experiment, { executor: "test", log: () => undefined });
    await markTrialStarted(dir, b, "test");
    await writeTrialFailure(dir, b, { attempts: 1, exitCode: 137, signal: null });
    await markTrialStarted(dir, c, "test"); // this process is alive: running
    const s = await sweepStatus(dir);
    expect(s.counts).toEqual({ done: 1, failed: 1, running: 1, missing: 3 });
    expect(formatSweepStatus(s)).toMatch(/done 1, failed 1, running 1, missing 3/);
    expect(formatSweepStatus(s)).toMatch(new RegExp(`failed: ${b.label.replace(/[.]/g, "\\.")} .*exit code 137`));
    const cli = await runCliForTest(["--backend", "cpu", "sweep", "status", dir]);
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(/sphere-lambda \(seed 0, --quick\): 6 trials/);
    expect((await runCliForTest(["--backend", "cpu", "sweep", "status", tempDir("empty")])).code).toBe(2);
  });
});
