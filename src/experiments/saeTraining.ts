import * as tf from "@tensorflow/tfjs";
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

/** See {@link encoderDrift}. */
export interface EncoderDrift {
  normRatioW1: number;
  cosineToInitW1: number;
  cosineToInitW1Centered: number;
}

/**
 * How the encoder W1 [inputs, units] moved from its start W0: `normRatioW1 = ||W1|| / ||W1_0||`,
 * `cosineToInitW1 = <W1, W1_0> / (||W1|| ||W1_0||)`, and the same cosine after removing each
 * filter's (column's) mean, `cosineToInitW1Centered`. With relativeChangeW1 they tell a real move
 * from a change that leaves the filter picture as it was: shrinking by weight decay (cosine ~1),
 * or adding a uniform offset to each filter, which on mean-removed patches only acts as a bias
 * (centred cosine ~1 while the plain cosine drops).
 */
export function encoderDrift(w1: tf.Tensor, w0: tf.Tensor): EncoderDrift {
  const cos = (a: tf.Tensor, b: tf.Tensor) => tf.div(tf.sum(tf.mul(a, b)), tf.mul(tf.norm(a), tf.norm(b)));
  const [n1, n0, c, cc] = tf.tidy(() => {
    const centre = (w: tf.Tensor) => tf.sub(w, tf.mean(w, 0, true));
    return [tf.norm(w1), tf.norm(w0), cos(w1, w0), cos(centre(w1), centre(w0))].map((t) => t.dataSync()[0]);
  });
  return { normRatioW1: n1 / n0, cosineToInitW1: c, cosineToInitW1Centered: cc };
}

export interface SaeTrainingResult {
  fit: SaeFitResult;
  /** encoderDrift at the end of training. */
  drift: EncoderDrift;
}

/**
 * Fits `model` (freshly created: its W1 is taken as the start W0) on `trainX` with the run's
 * checkpoint directory and --resume, recording after every `evaluateEvery` epochs the code
 * statistics on `evalX`, the relative change of the encoder and decoder weights (metrics
 * relativeChangeW1 / relativeChangeW2) and {@link encoderDrift}.
 */
export async function trainSae(
  model: SparseAutoencoder,
  trainX: tf.Tensor2D,
  evalX: tf.Tensor2D,
  s: SaeTrainingSettings,
  ctx: ExperimentContext,
): Promise<SaeTrainingResult> {
  const w0 = tf.clone(model.variables.W1);
  try {
    const fit = await fitWithEvaluation(model, trainX, evalX, s, ctx, w0);
    return { fit, drift: encoderDrift(model.variables.W1, w0) };
  } finally {
    w0.dispose();
  }
}

async function fitWithEvaluation(
  model: SparseAutoencoder,
  trainX: tf.Tensor2D,
  evalX: tf.Tensor2D,
  s: SaeTrainingSettings,
  ctx: ExperimentContext,
  w0: tf.Tensor,
): Promise<SaeFitResult> {
  const quietProgress = s.epochs > MAX_PROGRESS_EPOCHS;
  const onEpochEnd = ({ epoch, steps }: { epoch: number; steps: number }): Record<string, number> => {
    if (epoch % s.evaluateEvery !== 0 && epoch !== s.epochs) return {};
    const codes = model.encode(evalX);
    const stats = codeStatistics(codes, s.activeThreshold);
    codes.dispose();
    const out: Record<string, number> = { ...stats, relativeChangeW1: model.relativeChange("W1"), ...encoderDrift(model.variables.W1, w0) };
    if (model.decoderVariable === "W2") out.relativeChangeW2 = model.relativeChange("W2");
    if (quietProgress) {
      ctx.log(
        `${epochLabel(s)} ${epoch}/${s.epochs} (${steps} steps): mean activation ${stats.meanActivation.toFixed(4)}, ` +
          `||W1 - W1_0||/||W1_0|| ${out.relativeChangeW1.toFixed(3)}, ||W1||/||W1_0|| ${out.normRatioW1.toFixed(3)}, ` +
          `cos(W1, W1_0) ${out.cosineToInitW1.toFixed(3)} (filters centred: ${out.cosineToInitW1Centered.toFixed(3)})`,
      );
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
