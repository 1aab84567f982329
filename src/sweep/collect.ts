import { cp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ExperimentContext, TrialSpec } from "../experiments/Experiment.js";
import { getExperiment } from "../experiments/registry.js";
import { MissingTrialError, TrialResults } from "../experiments/trials.js";
import { RunReport, type RunReportFiles } from "../report/RunReport.js";
import { sweepStatus, type TrialStatus } from "./status.js";
import { sweepLayout } from "./sweepManifest.js";
import { readTrialResult, trialResultValue } from "./trialStore.js";

const TFJS_NAME: Record<string, string> = { node: "tensorflow", wasm: "wasm", cpu: "cpu", webgl: "webgl" };

export interface CollectResult {
  /** DIR/report: report.json, index.html, figures. */
  dir: string;
  json: string;
  html: string;
  /** Trials without a valid result (failed, running or never run). */
  incomplete: TrialStatus[];
  /** True when the experiment's reduce ran on every trial (the report equals `sparsekit run`'s). */
  complete: boolean;
}

function scalarFields(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { result: value };
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v === null || typeof v !== "object"));
}

/**
 * `sparsekit sweep collect DIR`: runs the experiment's reduce over the stored trial results and
 * writes the report `sparsekit run` writes (report.json, index.html, SVG/PNG figures) to
 * DIR/report. Trials without a result are listed in the report (section "Missing or failed
 * trials", metrics.sweepIncomplete); when the reduce needs one of them, the report holds the
 * finished trials' numbers instead of the experiment's figures.
 */
export async function collectSweep(dir: string, options: { log?: (line: string) => void } = {}): Promise<CollectResult> {
  const status = await sweepStatus(dir);
  const { manifest } = status;
  const experiment = getExperiment(manifest.experiment);
  const outDir = sweepLayout.report(dir);
  const backend = TFJS_NAME[manifest.backend] ?? manifest.backend;
  const incomplete = status.trials.filter((t) => t.state !== "done");
  const specs: TrialSpec[] = manifest.trials.map((t) => ({ label: t.label, config: t.config, seed: t.seed }));
  const results = new Map<string, unknown>();
  let trialSeconds = 0;
  let firstStart = Infinity;
  let lastFinish = -Infinity;
  for (const t of manifest.trials) {
    const stored = await readTrialResult(dir, manifest, t);
    if (stored) {
      results.set(t.label, trialResultValue(stored));
      trialSeconds += stored.seconds * 1000;
      firstStart = Math.min(firstStart, Date.parse(stored.startedAt));
      lastFinish = Math.max(lastFinish, Date.parse(stored.finishedAt));
    }
  }

  if (!manifest.grid && incomplete.length === 0) {
    // One trial ran the whole experiment and wrote its report: that is the report.
    await rm(outDir, { recursive: true, force: true });
    await cp(sweepLayout.trialReport(dir, manifest.trials[0].id), outDir, { recursive: true });
    return { dir: outDir, json: join(outDir, "report.json"), html: join(outDir, "index.html"), incomplete, complete: true };
  }

  const newReport = () =>
    new RunReport(outDir, { title: experiment.title, description: experiment.description, config: manifest.config, seed: manifest.seed, backend });
  const ctx: ExperimentContext = {
    seed: manifest.seed,
    outDir,
    checkpointDir: join(outDir, "checkpoints"),
    resume: false,
    backend,
    progress: "none",
    log: options.log ?? (() => undefined),
  };
  let report = newReport();
  let complete = false;
  let reduced = false;
  if (experiment.grid) {
    try {
      await report.time("reduce", () => experiment.grid!.reduce(manifest.config as never, new TrialResults(specs, results), ctx, report));
      reduced = true;
      complete = incomplete.length === 0;
    } catch (e) {
      if (!(e instanceof MissingTrialError)) throw e;
      report = newReport();
    }
  }
  report.recordTiming("trials", trialSeconds);
  // The report object lives only for the collect: show the trials' time instead.
  report.setTimeSummary([
    ["trials, summed (s)", trialSeconds / 1000],
    ...(lastFinish >= firstStart ? [["sweep, first trial start to last finish (s)", (lastFinish - firstStart) / 1000] as [string, number]] : []),
  ]);
  if (!reduced) {
    const done = manifest.trials.filter((t) => results.has(t.label));
    if (done.length) {
      report.addSection("Finished trials");
      report.addTable(
        "finished-trials",
        done.map((t) => ({ trial: t.label, id: t.id, ...scalarFields(results.get(t.label)) })),
        "The sweep is incomplete and the experiment's report needs every trial: the scalar results of the finished trials.",
      );
    }
  }
  if (incomplete.length) {
    report.addSection("Missing or failed trials");
    report.addTable(
      "incomplete-trials",
      incomplete.map((t) => ({
        trial: t.trial.label,
        id: t.trial.id,
        state: t.state,
        attempts: t.failure?.attempts ?? t.start?.attempt ?? 0,
        error: t.failure?.error?.split("\n")[0] ?? (t.failure ? `exit code ${t.failure.exitCode ?? "-"}, signal ${t.failure.signal ?? "-"}` : ""),
      })),
      `${incomplete.length} of ${manifest.trials.length} trials have no result; re-run the sweep to run them (finished trials are skipped).`,
    );
    report.setMetrics({
      sweepIncomplete: {
        total: manifest.trials.length,
        done: manifest.trials.length - incomplete.length,
        failed: incomplete.filter((t) => t.state === "failed").map((t) => t.trial.label),
        running: incomplete.filter((t) => t.state === "running").map((t) => t.trial.label),
        missing: incomplete.filter((t) => t.state === "missing").map((t) => t.trial.label),
      },
    });
  }
  const files: RunReportFiles = await report.write();
  return { dir: outDir, json: files.json, html: files.html, incomplete, complete };
}
