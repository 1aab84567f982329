import type * as tf from "@tensorflow/tfjs";
import { deadUnits, fractionZeros, hoyerSparsity } from "../metrics/index.js";
import { Mlp, type HiddenPenalty } from "../models/Mlp.js";
import { TrainingDivergedError } from "../train/TrainingDivergedError.js";
import type { ProgressMode } from "../train/progress.js";
import type { TrainCallbacks } from "../train/train.js";

/** Labelled samples of a trial: x [n, D], one-hot y [n, C], integer labels. */
export interface TrialData {
  x: tf.Tensor;
  y: tf.Tensor2D;
  labels: Int32Array;
}

export interface MlpTrialOptions {
  train: TrialData;
  /** Held-out samples: accuracy and hidden sparsity are measured here. */
  test: TrialData;
  /** Optional validation samples (from the training digits) for model selection: their accuracy is measured too. */
  validation?: TrialData;
  hiddenSizes: number[];
  /** Dropout rate on the hidden layers during training (default 0). */
  dropout?: number;
  /** Seed of the initial weights. */
  initSeed: number;
  /** Seed of shuffling and dropout masks. */
  trainSeed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  penalty?: HiddenPenalty;
  /** Checkpoint directory of this trial (its own); none = no checkpoints. */
  checkpointDir?: string;
  /** Checkpoint every this many epochs (default: only after the last epoch). */
  checkpointEvery?: number;
  /** Continue from checkpointDir if it holds a checkpoint (a finished trial is then only evaluated). */
  resume?: boolean;
  progress?: ProgressMode;
  /** Also measure test accuracy and hidden sparsity after every epoch (default false). */
  trackEpochs?: boolean;
  /** Training callbacks (e.g. a sweep's stop-on-signal). */
  callbacks?: TrainCallbacks;
}

/** Held-out numbers of one trained MLP (NaN everywhere when training diverged). */
export interface MlpTrialResult {
  testAccuracy: number;
  /** Accuracy on `validation` (NaN without it): what selection may look at. */
  validationAccuracy: number;
  trainAccuracy: number;
  /** Fraction of zero entries of the last hidden layer's codes on the test set (SPEC §2). */
  fractionZeros: number;
  /** Hoyer sparsity of those codes, averaged over the non-silent test samples. */
  hoyer: number;
  /** Fraction of hidden units never active on the test set (they count as zeros in fractionZeros). */
  deadFraction: number;
  /** Fraction of zeros among the live units only: sparsity that is not just dead units. */
  liveFractionZeros: number;
  /** Mean total training loss of the last epoch and its terms. */
  finalLoss: number;
  finalTerms: Record<string, number>;
  /** Per-epoch record (loss, terms, and with trackEpochs the held-out metrics). */
  epochs: { epoch: number; loss: number; [metric: string]: number }[];
  /** The divergence message, or null. */
  diverged: string | null;
  steps: number;
  /** True when the trial continued from a checkpoint. */
  resumed: boolean;
}

/** Held-out sparsity of the last hidden layer and accuracy of a model. */
function heldOut(model: Mlp, test: TrialData): { testAccuracy: number; fractionZeros: number; hoyer: number; dead: number } {
  const x = test.x as tf.Tensor2D;
  const h = model.hiddenCodes(x);
  try {
    return {
      testAccuracy: model.accuracy(x, test.labels),
      fractionZeros: fractionZeros(h),
      hoyer: hoyerSparsity(h),
      dead: deadUnits(h),
    };
  } finally {
    h.dispose();
  }
}

/**
 * One seeded run of the experiments of SPEC §5.1–5.3: builds an {@link Mlp}, trains it with Adam
 * on cross-entropy (+ optional penalty such as OVR) through `train()`, and measures test accuracy
 * and the sparsity of the last hidden layer on held-out samples. A diverged run is reported, not
 * thrown: its numbers are NaN and `diverged` holds the reason.
 */
export async function runMlpTrial(o: MlpTrialOptions): Promise<MlpTrialResult> {
  const inputSize = o.train.x.shape[1] as number;
  const model = Mlp.create({
    inputSize,
    hiddenSizes: o.hiddenSizes,
    outputSize: o.train.y.shape[1],
    dropout: o.dropout ?? 0,
    seed: o.initSeed,
  });
  const epochs: MlpTrialResult["epochs"] = [];
  try {
    let history;
    try {
      history = await model.fit(
        { x: o.train.x as tf.Tensor2D, y: o.train.y },
        {
          epochs: o.epochs,
          batchSize: o.batchSize,
          learningRate: o.learningRate,
          seed: o.trainSeed,
          ...(o.penalty ? { penalty: o.penalty } : {}),
          ...(o.checkpointDir ? { checkpoint: { dir: o.checkpointDir, every: o.checkpointEvery ?? o.epochs, keep: 1 } } : {}),
          ...(o.checkpointDir && o.resume ? { resume: true } : {}),
          progress: o.progress ?? "none",
          ...(o.callbacks ? { callbacks: o.callbacks } : {}),
          ...(o.trackEpochs
            ? {
                evaluate: () => {
                  const m = heldOut(model, o.test);
                  const out: Record<string, number> = { testAccuracy: m.testAccuracy, fractionZeros: m.fractionZeros, hoyer: m.hoyer };
                  if (o.validation) out.validationAccuracy = model.accuracy(o.validation.x as tf.Tensor2D, o.validation.labels);
                  return out;
                },
              }
            : {}),
        },
      );
    } catch (e) {
      if (!(e instanceof TrainingDivergedError)) throw e;
      const nan = NaN;
      return {
        testAccuracy: nan, validationAccuracy: nan, trainAccuracy: nan, fractionZeros: nan, hoyer: nan, deadFraction: nan, liveFractionZeros: nan,
        finalLoss: nan, finalTerms: {}, epochs, diverged: e.message, steps: e.history.steps, resumed: false,
      };
    }
    for (const r of history.epochs) epochs.push({ epoch: r.epoch, loss: r.loss, ...r.terms, ...r.metrics });
    const m = heldOut(model, o.test);
    const k = o.hiddenSizes[o.hiddenSizes.length - 1];
    const live = k - m.dead;
    // zeros among live units: total zeros minus the dead units' (all-zero) columns.
    const liveFractionZeros = live > 0 ? (m.fractionZeros * k - m.dead) / live : NaN;
    const last = history.epochs[history.epochs.length - 1];
    return {
      testAccuracy: m.testAccuracy,
      validationAccuracy: o.validation ? model.accuracy(o.validation.x as tf.Tensor2D, o.validation.labels) : NaN,
      trainAccuracy: model.accuracy(o.train.x as tf.Tensor2D, o.train.labels),
      fractionZeros: m.fractionZeros,
      hoyer: m.hoyer,
      deadFraction: m.dead / k,
      liveFractionZeros,
      finalLoss: last?.loss ?? NaN,
      finalTerms: { ...(last?.terms ?? {}) },
      epochs,
      diverged: null,
      steps: history.steps,
      resumed: history.resumedFrom !== undefined,
    };
  } finally {
    model.dispose();
  }
}
