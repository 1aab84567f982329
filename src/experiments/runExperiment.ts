import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { RunReport, type RunReportFiles } from "../report/node.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import type { Experiment, ExperimentContext } from "./Experiment.js";

export interface RunExperimentOptions {
  /** Config values from a user's JSON file (validated against the experiment's schema). */
  config?: Record<string, unknown>;
  /** Values given on the command line (e.g. { epochs: 5 }); they win over the config file. */
  overrides?: Record<string, unknown>;
  seed?: number;
  /** Run directory; default runs/<experiment>-seed<seed>. */
  outDir?: string;
  /** Apply the experiment's tiny --quick settings (under the file and command-line values). */
  quick?: boolean;
  /** Continue an interrupted run in outDir from its checkpoints, with the config it saved. */
  resume?: boolean;
  progress?: ExperimentContext["progress"];
  log?: (line: string) => void;
}

export interface RunExperimentResult {
  config: Record<string, unknown>;
  outDir: string;
  files: RunReportFiles;
  seconds: number;
}

const SAVED_CONFIG = "run-config.json";

function describeZodError(error: z.ZodError, experiment: string): string {
  const issues = error.issues.map((i) => {
    const path = i.path.length ? i.path.join(".") : "(config)";
    return `${path}: ${i.message}`;
  });
  return `invalid config for experiment '${experiment}': ${issues.join("; ")}`;
}

/** Validates a config; unknown keys and wrong types give one SparsekitError listing every problem. */
export function resolveExperimentConfig(experiment: Experiment, layers: Record<string, unknown>[]): Record<string, unknown> {
  const merged = Object.assign({}, ...layers) as Record<string, unknown>;
  const parsed = experiment.configSchema.safeParse(merged);
  if (!parsed.success) throw new SparsekitError(describeZodError(parsed.error, experiment.name));
  return parsed.data as Record<string, unknown>;
}

/**
 * Runs an experiment end to end: config (defaults < --quick < file < command line), seeded run,
 * report directory with report.json, index.html, SVG plots and PNG grids. With `resume`, the
 * config saved by the interrupted run is reused (command-line values may not change it) and
 * training continues from the checkpoints in the run directory.
 */
export async function runExperiment(experiment: Experiment, options: RunExperimentOptions = {}): Promise<RunExperimentResult> {
  const started = performance.now();
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new SparsekitError(`runExperiment: option 'seed' must be a non-negative integer, got ${seed}.`);
  const outDir = resolve(options.outDir ?? join("runs", `${experiment.name}-seed${seed}`));
  const savedPath = join(outDir, SAVED_CONFIG);
  let config: Record<string, unknown>;
  if (options.resume) {
    let saved: { experiment: string; seed: number; config: Record<string, unknown> };
    try {
      saved = JSON.parse(await readFile(savedPath, "utf8"));
    } catch {
      throw new SparsekitError(`cannot resume: no ${SAVED_CONFIG} in '${outDir}' (was the run started with this --out directory?)`);
    }
    if (saved.experiment !== experiment.name) {
      throw new SparsekitError(`cannot resume: '${outDir}' holds a run of '${saved.experiment}', not '${experiment.name}'`);
    }
    if (options.seed !== undefined && saved.seed !== seed) {
      throw new SparsekitError(`cannot resume with --seed ${seed}: the run in '${outDir}' used seed ${saved.seed}`);
    }
    config = resolveExperimentConfig(experiment, [saved.config, options.overrides ?? {}]);
    for (const [k, v] of Object.entries(options.overrides ?? {})) {
      if (k !== "epochs" && JSON.stringify(saved.config[k]) !== JSON.stringify(v)) {
        throw new SparsekitError(`cannot resume with ${k}=${JSON.stringify(v)}: the interrupted run used ${JSON.stringify(saved.config[k])}`);
      }
    }
    return finish(experiment, config, saved.seed, outDir, true, options, started);
  }
  config = resolveExperimentConfig(experiment, [
    options.quick ? (experiment.quick as Record<string, unknown>) : {},
    options.config ?? {},
    options.overrides ?? {},
  ]);
  await mkdir(outDir, { recursive: true });
  await writeFile(savedPath, `${JSON.stringify({ experiment: experiment.name, seed, quick: Boolean(options.quick), config }, null, 2)}\n`);
  return finish(experiment, config, seed, outDir, false, options, started);
}

async function finish(
  experiment: Experiment,
  config: Record<string, unknown>,
  seed: number,
  outDir: string,
  resume: boolean,
  options: RunExperimentOptions,
  started: number,
): Promise<RunExperimentResult> {
  const backend = tf.getBackend();
  const report = new RunReport(outDir, { title: experiment.title, description: experiment.description, config, seed, backend });
  const ctx: ExperimentContext = {
    seed,
    outDir,
    checkpointDir: join(outDir, "checkpoints"),
    resume,
    backend,
    progress: options.progress ?? "auto",
    log: options.log ?? (() => undefined),
  };
  await report.time("total", () => experiment.run(config as never, ctx, report));
  const files = await report.write();
  return { config, outDir, files, seconds: (performance.now() - started) / 1000 };
}
