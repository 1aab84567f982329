/** What {@link train} records. Plain JSON: it is stored in checkpoints and sparsekit.json. */

/** One completed epoch. Partial epochs (stopped mid-way) are not recorded. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean total loss over the epoch's samples (each batch weighted by its size). */
  loss: number;
  /** Mean of each loss term over the epoch's samples, same weighting; they sum to `loss`. */
  terms: Record<string, number>;
  /** What the `evaluate` hook returned after the epoch (e.g. validation loss). */
  metrics: Record<string, number>;
  /** Wall-clock seconds of the epoch, evaluation included. Not reproducible, unlike the rest. */
  seconds: number;
  /** Global number of optimizer steps completed at the end of this epoch. */
  steps: number;
}

export type StopReason = "stopAfterSteps" | "callback" | "diverged";

export interface StopInfo {
  reason: StopReason;
  message: string;
  /** Epoch during which training stopped (1-based). */
  epoch: number;
  /** Optimizer steps completed when it stopped. */
  step: number;
}

export interface TrainHistory {
  epochs: EpochRecord[];
  /** Optimizer steps completed in total (across resumes). */
  steps: number;
  /** Set when training ended before `epochs` were done. */
  stopped?: StopInfo;
  /** Set when the run continued from a checkpoint. */
  resumedFrom?: { epoch: number; step: number; checkpoint: string };
}
