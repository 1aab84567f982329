import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { nodeStorage } from "../io/nodeStorage.js";
import { join } from "node:path";
import { decodeNonFinite, encodeNonFinite, toPlainValue, type PlainValue } from "../report/jsonValue.js";
import { EARLIER_TRIALS_TIMING, type RunReport } from "../report/RunReport.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import type { ExperimentContext, ExperimentGrid, TrialContext, TrialSpec } from "./Experiment.js";
import { sharedDirectory } from "./sharedDirectory.js";

/** A trial result as JSON data: non-finite numbers as strings, listed by JSON pointer (as in report.json). */
export interface EncodedTrialValue {
  value: PlainValue;
  nonFiniteNumbers: string[];
}

/** Trial result -> JSON data (typed arrays become arrays, -0 becomes 0, NaN/Infinity are encoded). */
export function encodeTrialValue(value: unknown): EncodedTrialValue {
  const plain = toPlainValue(value, "encodeTrialValue", "result");
  const { value: encoded, pointers } = encodeNonFinite(plain);
  return { value: encoded, nonFiniteNumbers: pointers };
}

/** The inverse of {@link encodeTrialValue}. */
export function decodeTrialValue<R = unknown>(encoded: EncodedTrialValue): R {
  return decodeNonFinite(encoded.value, encoded.nonFiniteNumbers) as R;
}

/** Thrown by {@link TrialResults.get} for a trial that has no result (a partial sweep). */
export class MissingTrialError extends SparsekitError {
  constructor(readonly label: string) {
    super(`trial '${label}' has no result (missing or failed)`);
    this.name = "MissingTrialError";
  }
}

/** The results of a grid's trials by label, in the grid's order; what `reduce` reads. */
export class TrialResults<R = unknown> {
  readonly trials: readonly TrialSpec[];
  private readonly byLabel: Map<string, R>;

  constructor(trials: readonly TrialSpec[], results: Map<string, R>) {
    this.trials = [...trials];
    this.byLabel = new Map(results);
  }

  has(label: string): boolean {
    return this.byLabel.has(label);
  }

  /** The result of trial `label`; throws MissingTrialError when it has none. */
  get(label: string): R {
    if (!this.byLabel.has(label)) throw new MissingTrialError(label);
    return this.byLabel.get(label) as R;
  }

  /** Trials without a result. */
  get missing(): TrialSpec[] {
    return this.trials.filter((t) => !this.byLabel.has(t.label));
  }

  /** The trials that have results, with them, in grid order. */
  entries(): { trial: TrialSpec; result: R }[] {
    return this.trials.filter((t) => this.byLabel.has(t.label)).map((trial) => ({ trial, result: this.byLabel.get(trial.label) as R }));
  }
}

const LABEL = /^[A-Za-z0-9][A-Za-z0-9._=+-]*$/;

/** Checks a grid's trial list: non-empty, labels unique and file-name safe, seeds integers. */
export function checkTrials(trials: readonly TrialSpec[], experiment: string): void {
  if (!Array.isArray(trials) || trials.length === 0) throw new SparsekitError(`experiment '${experiment}': its grid has no trials.`);
  const seen = new Set<string>();
  for (const t of trials) {
    if (typeof t.label !== "string" || !LABEL.test(t.label) || t.label.length > 120) {
      throw new SparsekitError(`experiment '${experiment}': trial label ${JSON.stringify(t.label)} must be a short file-name-safe string.`);
    }
    if (seen.has(t.label)) throw new SparsekitError(`experiment '${experiment}': trial label '${t.label}' occurs twice.`);
    seen.add(t.label);
    if (!Number.isSafeInteger(t.seed)) throw new SparsekitError(`experiment '${experiment}': trial '${t.label}' needs an integer seed, got ${t.seed}.`);
    if (t.config === null || typeof t.config !== "object" || Array.isArray(t.config)) {
      throw new SparsekitError(`experiment '${experiment}': trial '${t.label}' needs a config object.`);
    }
  }
}

/** The part of a trial that identifies it (what a stored result must match). */
function trialKey(trial: TrialSpec): string {
  return JSON.stringify(encodeTrialValue({ config: trial.config, seed: trial.seed }));
}

/**
 * `sparsekit run` for a grid experiment: every trial in order in this process (results under
 * <checkpointDir>/trials/<label>.json, reused with --resume), then the grid's reduce. Results go
 * through the same JSON round trip as in a sweep, so both report the same numbers.
 */
export async function runGridInProcess<Config, Result>(
  grid: ExperimentGrid<Config, Result>,
  config: Config,
  ctx: ExperimentContext,
  report: RunReport,
): Promise<void> {
  const trials = grid.trials(config, ctx.seed);
  checkTrials(trials, report.title);
  const sharedRoot = join(ctx.checkpointDir, "shared");
  const results = new Map<string, Result>();
  for (const trial of trials) {
    const file = join(ctx.checkpointDir, "trials", `${trial.label}.json`);
    let encoded: EncodedTrialValue | undefined;
    if (ctx.resume && existsSync(file)) {
      try {
        const stored = JSON.parse(await readFile(file, "utf8")) as { key: string; result: EncodedTrialValue; ms?: number };
        if (stored.key === trialKey(trial)) {
          encoded = stored.result;
          // The report's wall clock covers this invocation only; the time of trials run before the resume is shown beside it.
          if (typeof stored.ms === "number" && Number.isFinite(stored.ms) && stored.ms >= 0) report.recordTiming(EARLIER_TRIALS_TIMING, stored.ms);
        }
      } catch {
        encoded = undefined; // unreadable: run the trial again
      }
    }
    if (!encoded) {
      const tctx: TrialContext = {
        checkpointDir: join(ctx.checkpointDir, trial.label),
        resume: ctx.resume,
        backend: ctx.backend,
        progress: ctx.progress,
        log: ctx.log,
        shared: (name, key, build) => sharedDirectory(sharedRoot, name, key, build),
      };
      const t0 = performance.now();
      const result = await grid.runTrial(trial, tctx);
      const ms = performance.now() - t0;
      report.recordTiming("trials", ms);
      encoded = encodeTrialValue(result);
      await nodeStorage.writeAtomic(file, `${JSON.stringify({ key: trialKey(trial), result: encoded, ms })}\n`);
    }
    results.set(trial.label, decodeTrialValue<Result>(encoded));
  }
  await grid.reduce(config, new TrialResults(trials, results), ctx, report);
}
