import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import type { Experiment, TrialSpec } from "../experiments/Experiment.js";
import { canonicalJson } from "../experiments/canonicalJson.js";
import { resolveExperimentConfig } from "../experiments/runExperiment.js";
import { checkTrials } from "../experiments/trials.js";
import { packageVersion } from "../io/packageRoot.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { readJsonIfValid, writeJsonAtomic } from "./atomicFile.js";
import { trialId } from "./trialId.js";

export const SWEEP_FORMAT = "sparsekit-sweep";
export const SWEEP_FORMAT_VERSION = 1;

/** One trial of a sweep, as listed in sweep.json: array task / completion index = `index`. */
export interface SweepTrial {
  index: number;
  id: string;
  label: string;
  config: Record<string, unknown>;
  seed: number;
}

/** DIR/sweep.json: what the sweep runs; every executor and `collect` read it. */
export interface SweepManifest {
  format: typeof SWEEP_FORMAT;
  formatVersion: typeof SWEEP_FORMAT_VERSION;
  experiment: string;
  title: string;
  seed: number;
  quick: boolean;
  /** The experiment's full resolved config (what `sparsekit run` would use). */
  config: Record<string, unknown>;
  /** tfjs backend every trial uses ("cpu", "wasm", "node"). */
  backend: string;
  packageVersion: string;
  createdAt: string;
  /** False for an experiment without a grid: one trial runs the whole experiment. */
  grid: boolean;
  trials: SweepTrial[];
}

const manifestSchema = z.looseObject({
  format: z.literal(SWEEP_FORMAT),
  formatVersion: z.literal(SWEEP_FORMAT_VERSION),
  experiment: z.string().min(1),
  title: z.string(),
  seed: z.number().int(),
  quick: z.boolean(),
  config: z.record(z.string(), z.unknown()),
  backend: z.string().min(1),
  packageVersion: z.string(),
  createdAt: z.string(),
  grid: z.boolean(),
  trials: z
    .array(
      z.strictObject({
        index: z.number().int().min(0),
        id: z.string().regex(/^[0-9a-f]+$/),
        label: z.string().min(1),
        config: z.record(z.string(), z.unknown()),
        seed: z.number().int(),
      }),
    )
    .min(1),
});

/** Where everything of a sweep lives under its directory. */
export const sweepLayout = {
  manifest: (dir: string) => join(dir, "sweep.json"),
  trialsDir: (dir: string) => join(dir, "trials"),
  trialDir: (dir: string, id: string) => join(dir, "trials", id),
  result: (dir: string, id: string) => join(dir, "trials", id, "result.json"),
  failure: (dir: string, id: string) => join(dir, "trials", id, "failure.json"),
  started: (dir: string, id: string) => join(dir, "trials", id, "started.json"),
  interrupted: (dir: string, id: string) => join(dir, "trials", id, "interrupted.json"),
  checkpoints: (dir: string, id: string) => join(dir, "trials", id, "checkpoints"),
  /** Report directory of a trial of an experiment without a grid. */
  trialReport: (dir: string, id: string) => join(dir, "trials", id, "report"),
  shared: (dir: string) => join(dir, "shared"),
  report: (dir: string) => join(dir, "report"),
  slurm: (dir: string) => join(dir, "slurm"),
  k8s: (dir: string) => join(dir, "k8s"),
};

/** An experiment's trials: its grid, or one trial (label "run") that runs the whole experiment. */
export function experimentTrials(experiment: Experiment, config: Record<string, unknown>, seed: number): TrialSpec[] {
  const trials = experiment.grid ? experiment.grid.trials(config as never, seed) : [{ label: "run", config, seed }];
  checkTrials(trials, experiment.name);
  return trials;
}

export interface CreateSweepOptions {
  /** Config values from a user's file (validated like `sparsekit run --config`). */
  config?: Record<string, unknown>;
  quick?: boolean;
  seed?: number;
  backend: string;
}

/** The manifest of a sweep of `experiment` (config resolved as `sparsekit run` resolves it). */
export function createSweepManifest(experiment: Experiment, options: CreateSweepOptions): SweepManifest {
  const seed = options.seed ?? 0;
  const config = resolveExperimentConfig(experiment, [
    options.quick ? (experiment.quick as Record<string, unknown>) : {},
    options.config ?? {},
  ]);
  const trials = experimentTrials(experiment, config, seed).map((t, index) => ({
    index,
    id: trialId(experiment.name, t.config, t.seed),
    label: t.label,
    config: t.config,
    seed: t.seed,
  }));
  const ids = new Set(trials.map((t) => t.id));
  if (ids.size !== trials.length) throw new SparsekitError(`experiment '${experiment.name}': two trials of its grid have the same config and seed.`);
  return {
    format: SWEEP_FORMAT,
    formatVersion: SWEEP_FORMAT_VERSION,
    experiment: experiment.name,
    title: experiment.title,
    seed,
    quick: Boolean(options.quick),
    config,
    backend: options.backend,
    packageVersion: packageVersion(),
    createdAt: new Date().toISOString(),
    grid: Boolean(experiment.grid),
    trials,
  };
}

/** What must agree for a directory to hold the same sweep. */
function identity(m: SweepManifest): string {
  return canonicalJson({ experiment: m.experiment, seed: m.seed, config: m.config, trials: m.trials.map((t) => t.id) });
}

/**
 * Writes DIR/sweep.json, or keeps the one there when it describes the same sweep (a re-run
 * resumes it). A changed grid or config of the same experiment replaces it: results are stored by
 * trial id, so trials the new grid shares with the old one are not run again. Another experiment
 * or another backend in the same directory is an error.
 */
export async function writeSweepManifest(dir: string, manifest: SweepManifest): Promise<SweepManifest> {
  const file = sweepLayout.manifest(dir);
  if (existsSync(file)) {
    const old = await readSweepManifest(dir);
    if (old.experiment !== manifest.experiment) {
      throw new SparsekitError(`'${resolve(dir)}' holds another sweep (of ${old.experiment}); choose another --out directory.`);
    }
    if (old.backend !== manifest.backend) {
      throw new SparsekitError(`'${resolve(dir)}' holds this sweep on backend '${old.backend}'; resume it with --backend ${old.backend}.`);
    }
    if (identity(old) === identity(manifest)) return old;
  }
  await writeJsonAtomic(file, manifest);
  return manifest;
}

/** Reads and checks DIR/sweep.json. */
export async function readSweepManifest(dir: string): Promise<SweepManifest> {
  const file = sweepLayout.manifest(dir);
  const data = await readJsonIfValid(file);
  if (data === undefined) throw new SparsekitError(`no sweep in '${resolve(dir)}': ${file} is missing or not JSON.`);
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SparsekitError(`${file} is not a ${SWEEP_FORMAT} v${SWEEP_FORMAT_VERSION} manifest: at /${issue.path.join("/")} ${issue.message}.`);
  }
  const m = parsed.data as unknown as SweepManifest;
  m.trials.forEach((t, i) => {
    if (t.index !== i) throw new SparsekitError(`${file}: trial ${i} has index ${t.index}.`);
  });
  return m;
}
