import type * as tf from "@tensorflow/tfjs";
import type { SaeFitResult, SparseAutoencoder } from "../models/SparseAutoencoder.js";
import { codeStatistics } from "./autoencoderReport.js";
import type { ExperimentContext } from "./Experiment.js";

/** How an experiment trains its sparse autoencoder (resolved config values). */
export interface SaeTrainingSettings {
  optimizer: "lbfgs" | "adam";
  /** L-BFGS: blocks of iterationsPerEpoch iterations; Adam: passes over the training set. */
  epochs: number;
  iterationsPerEpoch: number;
  /** Adam minibatch size (the training-set size for full batch). */
  batchSize: number;
  learningRate: number;
  /** Threshold for "active" sigmoid codes in the statistics (see codeStatistics). */
  activeThreshold?: number;
  /** Compute code statistics on the evaluation set every this many epochs (and at the last). */
  evaluateEvery: number;
}

/** More epochs than this and the per-epoch progress display is replaced by a log line per evaluation. */
const MAX_PROGRESS_EPOCHS = 200;

/** Axis label for one training record of these settings. */
export function epochLabel(s: SaeTrainingSettings): string {
  return s.optimizer === "lbfgs" ? `L-BFGS block (${s.iterationsPerEpoch} iterations)` : "epoch";
}

/**
 * Fits `model` on `trainX` with the run's checkpoint directory and --resume, recording after
 * every `evaluateEvery` epochs the code statistics on `evalX` and the relative change of the
 * encoder and decoder weights (metrics relativeChangeW1 / relativeChangeW2).
 */
export async function trainSae(
  model: SparseAutoencoder,
  trainX: tf.Tensor2D,
  evalX: tf.Tensor2D,
  s: SaeTrainingSettings,
  ctx: ExperimentContext,
): Promise<SaeFitResult> {
  const quietProgress = s.epochs > MAX_PROGRESS_EPOCHS;
  const onEpochEnd = ({ epoch, steps }: { epoch: number; steps: number }): Record<string, number> => {
    if (epoch % s.evaluateEvery !== 0 && epoch !== s.epochs) return {};
    const codes = model.encode(evalX);
    const stats = codeStatistics(codes, s.activeThreshold);
    codes.dispose();
    const out: Record<string, number> = { ...stats, relativeChangeW1: model.relativeChange("W1") };
    if (model.decoderVariable === "W2") out.relativeChangeW2 = model.relativeChange("W2");
    if (quietProgress) {
      ctx.log(`${epochLabel(s)} ${epoch}/${s.epochs} (${steps} steps): mean activation ${stats.meanActivation.toFixed(4)}, ||W1 - W1_0||/||W1_0|| ${out.relativeChangeW1.toFixed(3)}`);
    }
    return out;
  };
  const common = {
    epochs: s.epochs,
    onEpochEnd,
    checkpointDir: ctx.checkpointDir,
    resume: ctx.resume,
    progress: quietProgress ? ("none" as const) : ctx.progress,
  };
  return s.optimizer === "lbfgs"
    ? model.fit(trainX, { ...common, optimizer: "lbfgs", iterationsPerEpoch: s.iterationsPerEpoch })
    : model.fit(trainX, {
        ...common,
        optimizer: "adam",
        batchSize: s.batchSize,
        learningRate: s.learningRate,
        checkpointEvery: Math.max(1, s.evaluateEvery),
      });
}
