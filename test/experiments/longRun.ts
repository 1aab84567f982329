import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Experiment } from "../../src/experiments/Experiment.js";
import { runExperiment } from "../../src/experiments/runExperiment.js";

/**
 * Full default runs of the experiments, checking the properties the closing notes and README
 * state. They take minutes each, so they run only with SPARSEKIT_LONG=1 (never in `npm test`).
 */
export const LONG = process.env.SPARSEKIT_LONG === "1";
/** Per test: the longest default run (masks-mnist) takes about an hour on one core. */
export const LONG_TIMEOUT_MS = 90 * 60_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ReportJson = { metrics: any; epochs: any[]; config: Record<string, unknown> };

/** Runs the experiment's defaults (seed 0, optional config overrides) and returns its report.json. */
export async function runDefault(experiment: Experiment, config: Record<string, unknown> = {}): Promise<ReportJson> {
  const outDir = mkdtempSync(join(tmpdir(), `sparsekit-long-${experiment.name}-`));
  await runExperiment(experiment, { outDir, seed: 0, progress: "none", config });
  return JSON.parse(readFileSync(join(outDir, "report.json"), "utf8")) as ReportJson;
}
