import type { z } from "zod";
import type { RunReport } from "../report/index.js";

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
}

/** Identity helper that keeps the schema's type for `run`'s config argument. */
export function defineExperiment<Schema extends z.ZodObject>(experiment: Experiment<Schema>): Experiment<Schema> {
  return experiment;
}
