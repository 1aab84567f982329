import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { runExperiment } from "../../src/experiments/runExperiment.js";
import { slurmJobName, slurmScript, slurmTaskStates } from "../../src/sweep/slurmExecutor.js";
import { createSweepManifest, readSweepManifest, sweepLayout } from "../../src/sweep/sweepManifest.js";
import { runCliForTest } from "../cli/runCliForTest.js";
import { metricsWithoutTimings, tempDir } from "./sweepTestHelpers.js";

const SCRIPT = resolve(import.meta.dirname, "../../scripts/local-slurm.sh");
const SLURM_DIR = process.env.SPARSEKIT_SLURM_DIR ?? "/tmp/sparsekit-slurm";

/** Why the real-cluster test cannot run here, or undefined. */
function slurmMissing(): string | undefined {
  if (process.platform !== "linux") return "not Linux";
  if (process.getuid?.() !== 0) return "not root (the local cluster's daemons need root)";
  for (const exe of ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged"]) {
    if (!existsSync(exe)) return `${exe} not installed (apt-get install -y slurm-wlm munge)`;
  }
  return undefined;
}

describe("slurm executor: the script", () => {
  it("is one job array with a throttle, the USR1 warning, requeue, per-task logs and run-trial on the task id", () => {
    const m = createSweepManifest(getExperiment("sphere-lambda"), { quick: true, backend: "cpu" });
    const s = slurmScript("/data/sweep", m, { backend: "cpu", maxParallel: 2, time: "00:30:00", partition: "gpu", cpusPerTask: 2 });
    expect(s.startsWith("#!/bin/bash\n")).toBe(true);
    expect(s).toContain("#SBATCH --array=0-5%2");
    expect(s).toContain("#SBATCH --signal=USR1@60");
    expect(s).toContain("#SBATCH --requeue");
    expect(s).toContain("#SBATCH --output=/data/sweep/slurm/logs/task-%a.log");
    expect(s).toContain("#SBATCH --time=00:30:00");
    expect(s).toContain("#SBATCH --partition=gpu");
    expect(s).toContain("#SBATCH --cpus-per-task=2");
    expect(s).toContain(`#SBATCH --job-name=${slurmJobName("/data/sweep", m)}`);
    expect(s).toMatch(/srun --ntasks=1 --cpus-per-task=2 .*main\.ts --backend cpu sweep run-trial \/data\/sweep "\$SLURM_ARRAY_TASK_ID"\n/);
    expect(slurmScript("/d", m, { backend: "cpu" })).toContain("#SBATCH --array=0-5%6");
  });

  it("--dry-run writes DIR/slurm/sweep.sbatch only", async () => {
    const dir = tempDir("slurm-dry");
    const r = await runCliForTest(["--backend", "cpu", "sweep", "sphere-lambda", "--quick", "--executor", "slurm", "--dry-run", "--out", dir]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "slurm", "sweep.sbatch"), "utf8")).toContain("#SBATCH --array=0-5%6");
    expect(r.out).toMatch(/submit with: sbatch/);
  });
});

const missing = slurmMissing();
if (missing) console.log(`slurm executor: real-cluster test skipped: ${missing}`);

describe.skipIf(missing !== undefined)("slurm executor on a real one-node cluster (scripts/local-slurm.sh)", () => {
  let conf = "";
  beforeAll(async () => {
    await initBackend({ backend: "cpu" });
    const r = spawnSync(SCRIPT, ["start"], { encoding: "utf8", env: { ...process.env, SPARSEKIT_SLURM_DIR: SLURM_DIR }, timeout: 60_000 });
    if (r.status !== 0) throw new Error(`local-slurm.sh start failed: ${r.stderr}${r.stdout}`);
    conf = /export SLURM_CONF=(\S+)/.exec(r.stdout)?.[1] ?? "";
    process.env.SLURM_CONF = conf;
  });
  afterAll(() => {
    spawnSync(SCRIPT, ["stop"], { encoding: "utf8", env: { ...process.env, SPARSEKIT_SLURM_DIR: SLURM_DIR }, timeout: 60_000 });
    delete process.env.SLURM_CONF;
  });

  it("sweep --executor slurm --wait runs every trial as an array task and collects the numbers of the local run", async () => {
    expect(existsSync(conf)).toBe(true);
    const dir = tempDir("slurm");
    const t0 = performance.now();
    const r = await runCliForTest(["--backend", "cpu", "sweep", "sphere-lambda", "--quick", "--executor", "slurm", "--wait", "--poll", "1", "--out", dir]);
    const wall = (performance.now() - t0) / 1000;
    expect(r.code, r.err).toBe(0);
    const jobId = /submitted job array (\d+)/.exec(r.out)?.[1];
    expect(jobId).toBeDefined();
    const manifest = await readSweepManifest(dir);
    // every trial's result was written by its own array task of this job
    const tasks = manifest.trials.map((t) => JSON.parse(readFileSync(sweepLayout.result(dir, t.id), "utf8")));
    expect(tasks.map((x) => x.scheduler.SLURM_ARRAY_JOB_ID)).toEqual(manifest.trials.map(() => jobId));
    expect(tasks.map((x) => Number(x.scheduler.SLURM_ARRAY_TASK_ID))).toEqual(manifest.trials.map((t) => t.index));
    // and Slurm recorded each task as completed (job completion records, read by sacct --completion)
    const records = readFileSync(join(SLURM_DIR, "log", "jobcomp.txt"), "utf8").split("\n").filter((l) => l.includes(` ArrayJobId=${jobId} `));
    expect(records.map((l) => Number(/ArrayTaskId=(\d+)/.exec(l)?.[1])).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(records.every((l) => l.includes("JobState=COMPLETED"))).toBe(true);
    expect(slurmTaskStates(jobId!, slurmJobName(dir, manifest))).toEqual({ COMPLETED: 6 });
    expect(readFileSync(join(dir, "slurm", "logs", "task-3.log"), "utf8")).toMatch(/array task 3 of job/);

    const reference = await runExperiment(getExperiment("sphere-lambda"), { quick: true, outDir: tempDir("slurm-ref"), progress: "none" });
    expect(metricsWithoutTimings(join(dir, "report", "report.json"))).toEqual(metricsWithoutTimings(reference.files.json));
    const trialSeconds = tasks.reduce((a, x) => a + x.seconds, 0);
    console.log(`slurm: ${tasks.length} trials in ${wall.toFixed(1)} s wall (trials themselves ${trialSeconds.toFixed(1)} s)`);
  });
});
