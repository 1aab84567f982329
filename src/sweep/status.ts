import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { readSweepManifest, sweepLayout, type SweepManifest, type SweepTrial } from "./sweepManifest.js";
import { readTrialFailure, readTrialResult, readTrialStart, type TrialFailure, type TrialStart } from "./trialStore.js";

export type TrialState = "done" | "failed" | "running" | "missing";

export interface TrialStatus {
  trial: SweepTrial;
  state: TrialState;
  /** For "failed": the recorded failure. */
  failure?: TrialFailure;
  /** The latest attempt, if any. */
  start?: TrialStart;
  /** True when the trial has checkpoints to resume from. */
  checkpointed: boolean;
}

export interface SweepStatus {
  dir: string;
  manifest: SweepManifest;
  trials: TrialStatus[];
  counts: Record<TrialState, number>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The state of every trial of the sweep in `dir`: done (valid result.json), failed (failure.json,
 * no result), running (an attempt started and, on this host, its process is alive; on another
 * host, started and not failed) or missing (never started, or its process died: a re-run runs it).
 */
export async function sweepStatus(dir: string): Promise<SweepStatus> {
  const manifest = await readSweepManifest(dir);
  const here = hostname();
  const trials: TrialStatus[] = [];
  for (const trial of manifest.trials) {
    const checkpointed = existsSync(sweepLayout.checkpoints(dir, trial.id));
    if (await readTrialResult(dir, manifest, trial)) {
      trials.push({ trial, state: "done", checkpointed: false });
      continue;
    }
    const start = await readTrialStart(dir, trial);
    const failure = await readTrialFailure(dir, trial);
    const startedAfterFailure = start && (!failure || start.at > failure.at);
    let state: TrialState;
    if (startedAfterFailure && (start.host !== here || alive(start.pid))) state = "running";
    else if (failure) state = "failed";
    else state = "missing";
    trials.push({ trial, state, ...(failure ? { failure } : {}), ...(start ? { start } : {}), checkpointed });
  }
  const counts: Record<TrialState, number> = { done: 0, failed: 0, running: 0, missing: 0 };
  for (const t of trials) counts[t.state]++;
  return { dir, manifest, trials, counts };
}

/** A few lines for `sparsekit sweep status`: counts, then the failed trials with their first error line. */
export function formatSweepStatus(s: SweepStatus): string {
  const c = s.counts;
  const lines = [
    `${s.manifest.experiment} (seed ${s.manifest.seed}${s.manifest.quick ? ", --quick" : ""}): ${s.manifest.trials.length} trials`,
    `done ${c.done}, failed ${c.failed}, running ${c.running}, missing ${c.missing}`,
  ];
  for (const t of s.trials.filter((x) => x.state === "failed")) {
    const why = t.failure?.error?.split("\n")[0] ?? `exit code ${t.failure?.exitCode ?? "-"}, signal ${t.failure?.signal ?? "-"}`;
    lines.push(`failed: ${t.trial.label} (${t.trial.id}) after ${t.failure?.attempts ?? "?"} attempt(s): ${why}`);
  }
  return `${lines.join("\n")}\n`;
}
