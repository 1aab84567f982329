import * as tf from "@tensorflow/tfjs";
import { getStorage } from "../io/storage.js";
import { loadTensorMap, saveTensorMap } from "../io/tensorMap.js";
import type { EpochRecord } from "../train/history.js";
import { minimizeLbfgs, type LbfgsIterationInfo, type LbfgsOptions, type LbfgsStopReason } from "../train/lbfgs.js";
import { createProgressReporter, PROGRESS_MODES, type ProgressMode, type ProgressSink } from "../train/progress.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBooleanOption, assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";

export interface LbfgsBlocksOptions {
  /** The variables to optimise, by name (names are what checkpoints store). */
  variables: Record<string, tf.Variable>;
  /** Full-batch loss computed from the variables (called inside a tidy). */
  lossFn: () => tf.Scalar;
  /** Number of blocks ("epochs"); a resumed run continues up to this number. Integer >= 1. */
  blocks: number;
  /** L-BFGS iterations per block; integer >= 1. */
  iterationsPerBlock: number;
  /** Passed to every minimizeLbfgs call (not maxIterations/onIteration). */
  lbfgs?: Omit<LbfgsOptions, "maxIterations" | "onIteration">;
  /** After every iteration; `iteration` counts across blocks (and resumes). */
  onIteration?: (info: LbfgsIterationInfo) => void;
  /** After every block: the returned numbers (terms, metrics) go into the block's record. */
  onBlockEnd?: (block: number, iterations: number) => { terms?: Record<string, number>; metrics?: Record<string, number> } | void;
  /** Directory for one checkpoint per block; with `resume`, continue from the newest. */
  checkpointDir?: string;
  resume?: boolean;
  progress?: ProgressMode;
  progressStream?: ProgressSink;
}

export interface LbfgsBlocksResult {
  /** One record per completed block: loss at its end, its terms and metrics, iterations so far. */
  epochs: EpochRecord[];
  /** Loss at the start and after every iteration, across blocks (and resumes). */
  lossHistory: number[];
  iterations: number;
  evaluations: number;
  /** Why the last block stopped; "maxIterations" means the run used its whole budget. */
  reason: LbfgsStopReason;
  converged: boolean;
  /** Set when the run continued from a checkpoint. */
  resumedFrom?: { block: number; iterations: number; checkpoint: string };
}

const WHERE = "minimizeLbfgsInBlocks";
const FORMAT = "sparsekit-lbfgs-checkpoint";
const STEM = /^lbfgs-(\d{6,})\.json$/;

interface SavedState {
  format: typeof FORMAT;
  block: number;
  iterations: number;
  evaluations: number;
  lossHistory: number[];
  epochs: EpochRecord[];
  reason: LbfgsStopReason;
  shapes: Record<string, number[]>;
}

function stem(block: number): string {
  return `lbfgs-${String(block).padStart(6, "0")}`;
}

async function checkpointStems(dir: string): Promise<string[]> {
  const entries = await getStorage(WHERE).list(dir);
  return entries.filter((e) => STEM.test(e)).sort().map((e) => e.slice(0, -".json".length));
}

/**
 * Full-batch L-BFGS (src/train/lbfgs.ts) run as `blocks` blocks of `iterationsPerBlock`
 * iterations, so long runs can report progress, record metrics and checkpoint between blocks —
 * what an "epoch" means for a full-batch method. Each block is a fresh minimizeLbfgs call
 * starting from the current variables: the curvature memory (last m pairs) is cleared at every
 * block boundary, which costs a few iterations of progress per block; the run is deterministic
 * given the block size, so a resumed run ends exactly where the uninterrupted run would.
 * A block that converges (gradient or function tolerance) or whose line search fails ends the
 * run (also for a later resume asking for more blocks: a converged run stays converged). Checkpoint `dir/lbfgs-NNNNNN.json|.bin` holds the variables, loss history and records;
 * the two newest are kept.
 */
export async function minimizeLbfgsInBlocks(options: LbfgsBlocksOptions): Promise<LbfgsBlocksResult> {
  assertKnownOptions(options, WHERE, [
    "variables", "lossFn", "blocks", "iterationsPerBlock", "lbfgs", "onIteration", "onBlockEnd",
    "checkpointDir", "resume", "progress", "progressStream",
  ]);
  const { variables, lossFn, blocks, iterationsPerBlock } = options;
  if (variables === null || typeof variables !== "object" || Object.keys(variables).length === 0) {
    throw new SparsekitError(`${WHERE}: argument 'variables' must be a non-empty record of tf.Variable.`);
  }
  assertNumberOption(blocks, WHERE, "blocks", { min: 1, integer: true });
  assertNumberOption(iterationsPerBlock, WHERE, "iterationsPerBlock", { min: 1, integer: true });
  const resume = options.resume ?? false;
  assertBooleanOption(resume, WHERE, "resume");
  if (resume && !options.checkpointDir) throw new SparsekitError(`${WHERE}: option 'resume' needs option 'checkpointDir'.`);
  const progressMode = options.progress ?? "none";
  assertEnumOption(progressMode, WHERE, "progress", PROGRESS_MODES);
  const names = Object.keys(variables);
  const list = names.map((n) => variables[n]);

  let state: Omit<SavedState, "format" | "shapes"> = { block: 0, iterations: 0, evaluations: 0, lossHistory: [], epochs: [], reason: "maxIterations" };
  let resumedFrom: LbfgsBlocksResult["resumedFrom"];
  const dir = options.checkpointDir;
  if (resume && dir) {
    const stems = await checkpointStems(dir);
    const latest = stems[stems.length - 1];
    if (latest) {
      const loaded = await loadTensorMap(dir, latest);
      try {
        const saved = loaded.metadata as unknown as SavedState;
        if (saved.format !== FORMAT) throw new SparsekitError(`${WHERE}: ${getStorage(WHERE).join(dir, latest)}.json is not an L-BFGS checkpoint.`);
        for (const n of names) {
          const t = loaded.tensors[n];
          if (!t || t.shape.join(",") !== variables[n].shape.join(",")) {
            throw new SparsekitError(
              `${WHERE}: cannot resume from ${getStorage(WHERE).join(dir, latest)}: variable '${n}' has shape [${variables[n].shape.join(", ")}], the checkpoint ${t ? `[${t.shape.join(", ")}]` : "does not hold it"}.`,
            );
          }
        }
        for (const n of names) variables[n].assign(loaded.tensors[n]);
        const { format: _f, shapes: _s, ...rest } = saved;
        state = rest;
        resumedFrom = { block: saved.block, iterations: saved.iterations, checkpoint: latest };
      } finally {
        tf.dispose(Object.values(loaded.tensors));
      }
    }
  }

  const finished = (r: LbfgsStopReason) => r !== "maxIterations";
  const progress = createProgressReporter(progressMode, blocks, options.progressStream);
  try {
    while (state.block < blocks && !finished(state.reason)) {
      const block = state.block + 1;
      const t0 = performance.now();
      progress.epochStart(block, iterationsPerBlock);
      const before = state.iterations;
      const result = minimizeLbfgs(lossFn, list, {
        ...(options.lbfgs ?? {}),
        maxIterations: iterationsPerBlock,
        onIteration: (info) => {
          const global = { ...info, iteration: before + info.iteration, evaluations: state.evaluations + info.evaluations };
          progress.batch(info.iteration, info.loss);
          options.onIteration?.(global);
        },
      });
      // Each block starts with one evaluation at the point the previous block ended.
      const history = state.lossHistory.length === 0 ? result.history : result.history.slice(1);
      state.lossHistory.push(...history);
      state.iterations += result.iterations;
      state.evaluations += result.evaluations;
      state.reason = result.reason;
      state.block = block;
      const extra = options.onBlockEnd?.(block, state.iterations) ?? {};
      const record: EpochRecord = {
        epoch: block,
        loss: result.loss,
        terms: extra.terms ?? { loss: result.loss },
        metrics: { ...(extra.metrics ?? {}), gradNorm: result.gradNorm },
        seconds: (performance.now() - t0) / 1000,
        steps: state.iterations,
      };
      state.epochs.push(record);
      progress.epochEnd(record);
      if (dir) {
        const shapes = Object.fromEntries(names.map((n) => [n, [...variables[n].shape]]));
        const saved: SavedState = { format: FORMAT, ...structuredClone(state), shapes };
        await saveTensorMap(dir, stem(block), variables, saved as unknown as Record<string, unknown>);
        const stems = await checkpointStems(dir);
        for (const old of stems.slice(0, -2)) {
          const storage = getStorage(WHERE);
          await storage.remove(storage.join(dir, `${old}.json`));
          await storage.remove(storage.join(dir, `${old}.bin`));
        }
      }
    }
  } finally {
    progress.close();
  }
  return {
    epochs: state.epochs,
    lossHistory: state.lossHistory,
    iterations: state.iterations,
    evaluations: state.evaluations,
    reason: state.reason,
    converged: state.reason === "gradientTolerance" || state.reason === "functionTolerance",
    ...(resumedFrom ? { resumedFrom } : {}),
  };
}
