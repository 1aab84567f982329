import * as tf from "@tensorflow/tfjs";
import type { Experiment, ExperimentContext, TrialContext } from "../experiments/Experiment.js";
import { sharedDirectory } from "../experiments/sharedDirectory.js";
import { RunReport } from "../report/RunReport.js";
import { getExperiment } from "../experiments/registry.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { writeJsonAtomic } from "./atomicFile.js";
import { EXIT_INTERRUPTED, requeueSlurmTask, SignalCheckpoint } from "./signalCheckpoint.js";
import { readSweepManifest, sweepLayout, type SweepManifest, type SweepTrial } from "./sweepManifest.js";
import { markTrialStarted, readTrialResult, writeTrialFailure, writeTrialResult } from "./trialStore.js";

/** How one attempt of a trial ended. */
export type TrialOutcome =
  | { status: "done"; seconds: number; attempt: number }
  | { status: "skipped" }
  | { status: "interrupted"; signal: string; attempt: number }
  | { status: "failed"; error: string; attempt: number };

export interface RunSweepTrialOptions {
  /** Recorded in started.json ("local", "slurm", "k8s", "run-trial"). */
  executor: string;
  log: (line: string) => void;
  /** Signal handling of this process (stop at an epoch end, discard a cut-short result). */
  signals?: SignalCheckpoint;
}

/** The tfjs backend name that `sparsekit --backend <name>` selects. */
const TFJS_NAME: Record<string, string> = { node: "tensorflow", wasm: "wasm", cpu: "cpu", webgl: "webgl" };

/** The `--backend` value that selects the tfjs backend `tfjsName` (inverse of the table above). */
export function backendOption(tfjsName: string): string {
  return Object.entries(TFJS_NAME).find(([, v]) => v === tfjsName)?.[0] ?? tfjsName;
}

/**
 * Runs one trial of a sweep in this process: skipped when it has a valid result; otherwise an
 * attempt is recorded, the trial runs (resuming from its checkpoints), and its result is written
 * atomically to <sweep>/trials/<id>/result.json. Errors are returned as "failed" (the caller
 * records them); a trial cut short by SIGTERM/SIGUSR1 returns "interrupted" and writes no result.
 */
export async function runSweepTrial(
  dir: string,
  manifest: SweepManifest,
  trial: SweepTrial,
  experiment: Experiment,
  options: RunSweepTrialOptions,
): Promise<TrialOutcome> {
  if (await readTrialResult(dir, manifest, trial)) return { status: "skipped" };
  const current = tf.getBackend();
  if (current !== TFJS_NAME[manifest.backend]) {
    throw new SparsekitError(`the sweep in '${dir}' runs on backend '${manifest.backend}' but this process uses '${current}' (pass --backend ${manifest.backend}).`);
  }
  const attempt = await markTrialStarted(dir, trial, options.executor);
  const startedAt = new Date();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const checkpointDir = sweepLayout.checkpoints(dir, trial.id);
  let result: unknown;
  try {
    if (experiment.grid) {
      const ctx: TrialContext = {
        checkpointDir,
        resume: true,
        backend: current,
        progress: "none",
        log: options.log,
        shared: (name, key, build) => sharedDirectory(sweepLayout.shared(dir), name, key, build),
        ...(options.signals ? { trainCallbacks: options.signals.trainCallbacks } : {}),
      };
      result = await experiment.grid.runTrial({ label: trial.label, config: trial.config, seed: trial.seed }, ctx);
    } else {
      // No grid: the whole experiment is the trial; its report is kept for `collect` to copy.
      const outDir = sweepLayout.trialReport(dir, trial.id);
      const report = new RunReport(outDir, { title: experiment.title, description: experiment.description, config: trial.config, seed: trial.seed, backend: current });
      const ctx: ExperimentContext = { seed: trial.seed, outDir, checkpointDir, resume: true, backend: current, progress: "none", log: options.log };
      await report.time("total", () => experiment.run(trial.config as never, ctx, report));
      await report.write();
      result = { report: "report" };
    }
  } catch (e) {
    if (options.signals?.requested && !options.signals.resultUsable) {
      return interrupted(dir, trial, options.signals, attempt);
    }
    return { status: "failed", error: (e as Error)?.stack ?? String(e), attempt };
  }
  if (options.signals?.requested && !options.signals.resultUsable) return interrupted(dir, trial, options.signals, attempt);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  await writeTrialResult(dir, manifest, trial, result, { attempt, startedAt, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  return { status: "done", seconds, attempt };
}

async function interrupted(dir: string, trial: SweepTrial, signals: SignalCheckpoint, attempt: number): Promise<TrialOutcome> {
  const signal = signals.signal ?? "signal";
  await writeJsonAtomic(sweepLayout.interrupted(dir, trial.id), { signal, attempt, at: new Date().toISOString() });
  return { status: "interrupted", signal, attempt };
}

/**
 * `sparsekit sweep run-trial DIR INDEX` (a Slurm array task, a Kubernetes pod, or by hand): runs
 * trial INDEX with signal handling and returns the process exit code: 0 done or already done;
 * 1 failed (failure.json written); EXIT_INTERRUPTED after SIGTERM/SIGUSR1 (under Slurm, USR1 also
 * requeues the task).
 */
export async function runTrialProcess(dir: string, index: number, log: (line: string) => void): Promise<number> {
  const manifest = await readSweepManifest(dir);
  const trial = manifest.trials[index];
  if (!trial) throw new SparsekitError(`trial index ${index} is out of range: the sweep in '${dir}' has ${manifest.trials.length} trials (0-${manifest.trials.length - 1}).`);
  const experiment = getExperiment(manifest.experiment);
  const executor = process.env.SPARSEKIT_EXECUTOR ?? (process.env.SLURM_JOB_ID ? "slurm" : process.env.JOB_COMPLETION_INDEX !== undefined ? "k8s" : "run-trial");
  const signals = new SignalCheckpoint({
    log,
    onGraceExpired: () => {
      if (signals.signal === "SIGUSR1") requeueSlurmTask(process.env, log);
      process.exit(EXIT_INTERRUPTED);
    },
  }).install();
  try {
    const outcome = await runSweepTrial(dir, manifest, trial, experiment, { executor, log, signals });
    if (outcome.status === "done" || outcome.status === "skipped") {
      log(`trial ${index} (${trial.label}, ${trial.id}): ${outcome.status === "done" ? `done in ${outcome.seconds.toFixed(1)} s` : "already done"}`);
      return 0;
    }
    if (outcome.status === "interrupted") {
      log(`trial ${index} (${trial.label}): interrupted by ${outcome.signal}; checkpoint kept, exit ${EXIT_INTERRUPTED} (retry resumes)`);
      if (outcome.signal === "SIGUSR1") requeueSlurmTask(process.env, log);
      return EXIT_INTERRUPTED;
    }
    await writeTrialFailure(dir, trial, { attempts: outcome.attempt, error: outcome.error });
    log(`trial ${index} (${trial.label}) failed: ${outcome.error}`);
    return 1;
  } finally {
    signals.dispose();
  }
}
