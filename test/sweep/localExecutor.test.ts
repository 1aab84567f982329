import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { sphereLambda } from "../../src/experiments/sphereLambda.js";
import { runExperiment } from "../../src/experiments/runExperiment.js";
import { readSweepManifest, sweepLayout } from "../../src/sweep/sweepManifest.js";
import { runCliForTest } from "../cli/runCliForTest.js";
import { metricsWithoutTimings, spawnCli, tempDir, trialFiles, waitFor } from "./sweepTestHelpers.js";
import { existsSync } from "node:fs";

beforeAll(async () => {
  await initBackend({ backend: "cpu" });
});

describe("local executor", () => {
  it("sphere-lambda --quick on 2 workers gives exactly the metrics of `sparsekit run` (cpu backend); a re-run skips every trial", async () => {
    const runDir = tempDir("run");
    const sweepDir = tempDir("sweep");
    const run = await runCliForTest(["--backend", "cpu", "run", "sphere-lambda", "--quick", "--out", runDir]);
    expect(run.code).toBe(0);
    const sweep = await runCliForTest(["--backend", "cpu", "sweep", "sphere-lambda", "--quick", "--executor", "local", "--workers", "2", "--out", sweepDir]);
    expect(sweep.err).toMatch(/6 to run on 2 local worker/);
    expect(sweep.code).toBe(0);
    expect(sweep.out).toMatch(/6 trials: 0 already done, 6 run, 0 failed/);
    const a = JSON.parse(readFileSync(join(runDir, "report.json"), "utf8"));
    const b = JSON.parse(readFileSync(join(sweepDir, "report", "report.json"), "utf8"));
    expect(metricsWithoutTimings(join(sweepDir, "report", "report.json"))).toEqual(metricsWithoutTimings(join(runDir, "report.json")));
    expect(b.metrics.results).toEqual(a.metrics.results); // exactly, every number
    expect(b.metrics.claims).toEqual(a.metrics.claims);
    expect(b.contents).toEqual(a.contents);
    expect(b.config).toEqual(a.config);
    expect(b.backend).toBe("cpu");
    expect(existsSync(join(sweepDir, "report", "index.html"))).toBe(true);
    // every trial ran in a worker process, not here
    const results = Object.keys(trialFiles(sweepDir)).map((id) => JSON.parse(readFileSync(sweepLayout.result(sweepDir, id), "utf8")));
    expect(results.every((r) => r.pid !== process.pid && r.scheduler.SPARSEKIT_EXECUTOR === "local")).toBe(true);
    const again = await runCliForTest(["--backend", "cpu", "sweep", "sphere-lambda", "--quick", "--workers", "2", "--out", sweepDir]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/6 trials: 6 already done, 0 run, 0 failed/);
  });

  it("a worker killed with SIGKILL mid-trial is retried; killing the whole sweep and re-running finishes with one complete result per trial", async () => {
    const dir = tempDir("kill");
    const cfg = join(dir, "..", `${dir.split("/").pop()}-config.json`);
    writeFileSync(cfg, JSON.stringify({ lambdas: [0, 1e-3], seeds: 2, epochs: 15 }));
    const args = ["--backend", "cpu", "sweep", "sphere-lambda", "--quick", "--config", cfg, "--workers", "2", "--out", dir];
    const first = spawnCli(args);
    let exited = false;
    void first.done.then(() => (exited = true));
    // a trial that has started and not finished: kill its worker
    const { id, pid } = await waitFor(() => {
      if (!existsSync(join(dir, "sweep.json"))) return undefined;
      for (const [tid, files] of Object.entries(trialFiles(dir))) {
        if (files.includes("started.json") && !files.includes("result.json")) {
          return { id: tid, pid: JSON.parse(readFileSync(sweepLayout.started(dir, tid), "utf8")).pid as number };
        }
      }
      return undefined;
    }, 60_000, "a running trial");
    process.kill(pid, "SIGKILL");
    // let the parent retry it, then kill the parent and its workers while trials still run
    await waitFor(() => exited || Object.values(trialFiles(dir)).some((f) => f.includes("result.json")), 60_000, "a finished trial");
    if (!exited) process.kill(-first.child.pid!, "SIGKILL");
    const killed = await first.done;
    expect(killed.code === 0 || killed.signal === "SIGKILL").toBe(true);

    const rerun = await runCliForTest(args);
    expect(rerun.code).toBe(0);
    const manifest = await readSweepManifest(dir);
    const files = trialFiles(dir);
    expect(Object.keys(files).sort()).toEqual(manifest.trials.map((t) => t.id).sort());
    for (const f of Object.values(files)) {
      expect(f.filter((x) => x === "result.json")).toHaveLength(1);
      expect(f.filter((x) => x.includes(".tmp-") || x === "failure.json")).toEqual([]);
    }
    expect(JSON.parse(readFileSync(sweepLayout.started(dir, id), "utf8")).attempt).toBeGreaterThanOrEqual(2);
    const reference = await runExperiment(sphereLambda, { quick: true, config: { lambdas: [0, 1e-3], seeds: 2, epochs: 15 }, outDir: tempDir("ref"), progress: "none" });
    expect(metricsWithoutTimings(join(dir, "report", "report.json"))).toEqual(metricsWithoutTimings(reference.files.json));
  });
});
