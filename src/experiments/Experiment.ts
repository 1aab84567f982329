import type { z } from "zod";
import type { RunReport } from "../report/node.js";
import type { TrainCallbacks } from "../train/train.js";
import { runGridInProcess, type TrialResults } from "./trials.js";

/** What an experiment gets besides its config: where to write, how to report progress. */
export interface ExperimentContext {
  /** Seed of the run: every random draw of the experiment derives from it. */
  seed: number;
  /** The run's directory (report, checkpoints). */
  outDir: string;
  /** Directory for checkpoints (inside outDir); training resumes from it when `resume` is true. */
  checkpointDir: string;
  resume: boolean;
  /** Backend the run uses ("wasm", "cpu", "node"). */
  backend: string;
  /** Progress display for training loops: a bar on a terminal, log lines otherwise. */
  progress: "auto" | "bar" | "log" | "none";
  /** One line of human-readable progress (goes to stderr). */
  log: (line: string) => void;
}

/**
 * A declarative experiment: data + model + objective + evaluation, with a validated config.
 * `run` fills the report (plots, images, tables, metrics); the CLI writes it.
 */
export interface Experiment<Schema extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  /** One paragraph: what the experiment tests and which seed claim it checks. */
  description: string;
  /** Config schema with defaults for every field; unknown keys are rejected (z.strictObject). */
  configSchema: Schema;
  /** Overrides applied by --quick: tiny settings that finish in seconds (used by the tests). */
  quick: Partial<z.input<Schema>>;
  run(config: z.output<Schema>, ctx: ExperimentContext, report: RunReport): Promise<void>;
  /**
   * The experiment as a grid of independent trials (what `sparsekit sweep` spreads over processes
   * and clusters). Experiments without a grid run as one trial (the whole run).
   */
  grid?: ExperimentGrid<z.output<Schema>>;
}

/**
 * One unit of a sweep: a config and a seed. Its id is a hash of the experiment name, `config`
 * and `seed`, so `config` must hold everything the trial's result depends on (and nothing that
 * does not, so that growing a grid keeps the results of the trials it already had).
 */
export interface TrialSpec {
  /** Short name, unique within the grid and usable as a file name (e.g. "lambda2-s1"). */
  label: string;
  config: Record<string, unknown>;
  seed: number;
}

/** What `runTrial` gets besides the trial. */
export interface TrialContext {
  /** The trial's own checkpoint directory. */
  checkpointDir: string;
  /** Continue from the checkpoints in checkpointDir (if any). */
  resume: boolean;
  backend: string;
  progress: ExperimentContext["progress"];
  log: (line: string) => void;
  /**
   * A directory built once and shared by the trials of one run or sweep (e.g. a pretrained
   * model): `build(dir)` fills it the first time (one process at a time, under a lock); later
   * calls, in this or any other process, return the finished directory. `key` (JSON) names the
   * inputs it depends on.
   */
  shared(name: string, key: unknown, build: (dir: string) => Promise<void>): Promise<string>;
  /**
   * Set in sweeps: pass to train()/fit() as `callbacks`. On SIGTERM/SIGUSR1 they stop training at
   * the end of the current epoch, which writes its checkpoint; the retry resumes from it.
   */
  trainCallbacks?: TrainCallbacks;
}

/**
 * An experiment's grid: the trials it runs, how to run one, and how their results become the
 * report. Results are JSON data (NaN/Infinity and typed arrays allowed); `reduce` sees them after
 * a JSON round trip in every executor, so in-process runs and sweeps report the same numbers.
 */
export interface ExperimentGrid<Config = Record<string, unknown>, Result = unknown> {
  trials(config: Config, seed: number): TrialSpec[];
  runTrial(trial: TrialSpec, ctx: TrialContext): Promise<Result>;
  reduce(config: Config, results: TrialResults<Result>, ctx: ExperimentContext, report: RunReport): Promise<void>;
}

/** An experiment given by its grid: `run` is derived (every trial in order, in this process, then reduce). */
export type GridExperimentDefinition<Schema extends z.ZodObject, Result> = Omit<Experiment<Schema>, "run" | "grid"> & {
  grid: ExperimentGrid<z.output<Schema>, Result>;
};

/**
 * Identity helper that keeps the schema's type for `run`'s config argument. An experiment may give
 * `grid` instead of `run`; `run` then runs the grid's trials one after another in-process.
 */
export function defineExperiment<Schema extends z.ZodObject, Result>(experiment: GridExperimentDefinition<Schema, Result>): Experiment<Schema>;
export function defineExperiment<Schema extends z.ZodObject>(experiment: Experiment<Schema>): Experiment<Schema>;
export function defineExperiment<Schema extends z.ZodObject, Result>(
  experiment: Experiment<Schema> | GridExperimentDefinition<Schema, Result>,
): Experiment<Schema> {
  if ("run" in experiment && typeof experiment.run === "function") return experiment as Experiment<Schema>;
  const grid = experiment.grid as ExperimentGrid<z.output<Schema>, Result>;
  return {
    ...experiment,
    grid: grid as ExperimentGrid<z.output<Schema>>,
    run: (config, ctx, report) => runGridInProcess(grid, config, ctx, report),
  };
}
