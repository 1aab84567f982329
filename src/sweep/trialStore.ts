import { hostname } from "node:os";
import { join } from "node:path";
import { readdir, rm } from "node:fs/promises";
import { decodeTrialValue, encodeTrialValue, type EncodedTrialValue } from "../experiments/trials.js";
import { readJsonIfValid, writeJsonAtomic } from "./atomicFile.js";
import { sweepLayout, type SweepManifest, type SweepTrial } from "./sweepManifest.js";
import { trialId } from "./trialId.js";

export const TRIAL_RESULT_FORMAT = "sparsekit-trial-result";
export const TRIAL_RESULT_FORMAT_VERSION = 1;

/** <sweep>/trials/<id>/result.json: the trial, where and how long it ran, and its result. */
export interface TrialResultFile {
  format: typeof TRIAL_RESULT_FORMAT;
  formatVersion: typeof TRIAL_RESULT_FORMAT_VERSION;
  experiment: string;
  id: string;
  label: string;
  config: Record<string, unknown>;
  seed: number;
  backend: string;
  packageVersion: string;
  host: string;
  pid: number;
  attempt: number;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  cpuSeconds: number;
  /** Which scheduler task ran it: SLURM_JOB_ID, SLURM_ARRAY_JOB_ID, SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, ... */
  scheduler: Record<string, string>;
  result: EncodedTrialValue;
}

const SCHEDULER_VARIABLES = ["SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_RESTART_COUNT", "SLURMD_NODENAME", "JOB_COMPLETION_INDEX", "SPARSEKIT_EXECUTOR"];

/** The scheduler's variables of this process (empty outside Slurm and Kubernetes). */
export function schedulerEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of SCHEDULER_VARIABLES) if (env[k] !== undefined) out[k] = env[k] as string;
  if (env.JOB_COMPLETION_INDEX !== undefined && env.HOSTNAME) out.POD = env.HOSTNAME;
  return out;
}

/** <sweep>/trials/<id>/failure.json: why the last attempt failed. */
export interface TrialFailure {
  id: string;
  label: string;
  attempts: number;
  at: string;
  host: string;
  /** The error thrown by the trial, if it threw. */
  error?: string;
  exitCode?: number | null;
  signal?: string | null;
  /** The last lines the trial's process wrote to stderr. */
  stderrTail?: string;
}

/** <sweep>/trials/<id>/started.json: the latest attempt (counts attempts across processes and requeues). */
export interface TrialStart {
  attempt: number;
  at: string;
  host: string;
  pid: number;
  executor: string;
}

/** The stored result of `trial` if it is complete and belongs to it (else undefined: run the trial). */
export async function readTrialResult(dir: string, manifest: SweepManifest, trial: SweepTrial): Promise<TrialResultFile | undefined> {
  const data = (await readJsonIfValid(sweepLayout.result(dir, trial.id))) as Partial<TrialResultFile> | undefined;
  if (!data || typeof data !== "object") return undefined;
  if (data.format !== TRIAL_RESULT_FORMAT || data.formatVersion !== TRIAL_RESULT_FORMAT_VERSION) return undefined;
  if (data.id !== trial.id || data.experiment !== manifest.experiment) return undefined;
  if (!data.config || typeof data.seed !== "number" || trialId(data.experiment, data.config, data.seed) !== trial.id) return undefined;
  const r = data.result;
  if (!r || typeof r !== "object" || !("value" in r) || !Array.isArray(r.nonFiniteNumbers)) return undefined;
  return data as TrialResultFile;
}

/** The decoded result value of a stored result. */
export function trialResultValue<R = unknown>(file: TrialResultFile): R {
  return decodeTrialValue<R>(file.result);
}

export interface TrialRunInfo {
  attempt: number;
  startedAt: Date;
  seconds: number;
  cpuSeconds: number;
}

/**
 * Writes result.json atomically (a reader never sees half of it; a process killed while writing
 * leaves no result, so the trial runs again), then removes the trial's failure note and checkpoints.
 */
export async function writeTrialResult(dir: string, manifest: SweepManifest, trial: SweepTrial, result: unknown, info: TrialRunInfo): Promise<void> {
  const file: TrialResultFile = {
    format: TRIAL_RESULT_FORMAT,
    formatVersion: TRIAL_RESULT_FORMAT_VERSION,
    experiment: manifest.experiment,
    id: trial.id,
    label: trial.label,
    config: trial.config,
    seed: trial.seed,
    backend: manifest.backend,
    packageVersion: manifest.packageVersion,
    host: hostname(),
    pid: process.pid,
    attempt: info.attempt,
    startedAt: info.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: info.seconds,
    cpuSeconds: info.cpuSeconds,
    scheduler: schedulerEnvironment(),
    result: encodeTrialValue(result),
  };
  await writeJsonAtomic(sweepLayout.result(dir, trial.id), file);
  await rm(sweepLayout.failure(dir, trial.id), { force: true });
  await rm(sweepLayout.interrupted(dir, trial.id), { force: true });
  await rm(sweepLayout.checkpoints(dir, trial.id), { recursive: true, force: true });
  await removeStaleTemporaries(dir, trial);
}

/**
 * Removes the temporary siblings (`*.tmp-*`) that a process killed in the middle of an atomic write
 * left in the trial's directory. Only the one process running the trial writes there, so any
 * temporary present when an attempt starts or ends is an orphan.
 */
async function removeStaleTemporaries(dir: string, trial: SweepTrial): Promise<void> {
  const trialDir = sweepLayout.trialDir(dir, trial.id);
  const names = await readdir(trialDir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.includes(".tmp-")).map((n) => rm(join(trialDir, n), { force: true })));
}

export async function writeTrialFailure(dir: string, trial: SweepTrial, failure: Omit<TrialFailure, "id" | "label" | "at" | "host">): Promise<void> {
  const full: TrialFailure = { id: trial.id, label: trial.label, at: new Date().toISOString(), host: hostname(), ...failure };
  await writeJsonAtomic(sweepLayout.failure(dir, trial.id), full);
}

export async function readTrialFailure(dir: string, trial: SweepTrial): Promise<TrialFailure | undefined> {
  return (await readJsonIfValid(sweepLayout.failure(dir, trial.id))) as TrialFailure | undefined;
}

export async function readTrialStart(dir: string, trial: SweepTrial): Promise<TrialStart | undefined> {
  return (await readJsonIfValid(sweepLayout.started(dir, trial.id))) as TrialStart | undefined;
}

/** Records a new attempt of `trial` (attempt = previous + 1) and returns its number. */
export async function markTrialStarted(dir: string, trial: SweepTrial, executor: string): Promise<number> {
  await removeStaleTemporaries(dir, trial);
  const previous = await readTrialStart(dir, trial);
  const attempt = (previous?.attempt ?? 0) + 1;
  const start: TrialStart = { attempt, at: new Date().toISOString(), host: hostname(), pid: process.pid, executor };
  await writeJsonAtomic(sweepLayout.started(dir, trial.id), start);
  return attempt;
}
