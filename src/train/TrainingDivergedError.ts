import { SparsekitError } from "../validation/SparsekitError.js";
import type { TrainHistory } from "./history.js";

/**
 * Thrown by {@link train} when a loss term or a variable becomes NaN or infinite. The message
 * names the global step (1-based), the epoch and the culprit, e.g.
 * "train: training diverged at step 37 (epoch 2): term 'kl' is NaN". `history` holds the
 * epochs completed before, with `stopped.reason === "diverged"`.
 */
export class TrainingDivergedError extends SparsekitError {
  constructor(
    message: string,
    readonly step: number,
    readonly epoch: number,
    /** The loss term or variable that became non-finite. */
    readonly culprit: { kind: "term" | "variable"; name: string; value?: number },
    readonly history: TrainHistory,
  ) {
    super(message);
    this.name = "TrainingDivergedError";
  }
}
