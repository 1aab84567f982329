import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { shapeString } from "../validation/tensorChecks.js";

export const TASK_LOSSES = ["categoricalCrossentropy", "sparseCategoricalCrossentropy", "meanSquaredError", "binaryCrossentropy"] as const;
export type TaskLossName = (typeof TASK_LOSSES)[number];
/** A custom task loss: a scalar, or per-sample values that are averaged. */
export type TaskLossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

export interface TaskLoss {
  name: string;
  /** Mean loss over the batch (a scalar). */
  fn: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
  /** Fraction of correct predictions, for the classification losses. */
  accuracy?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
}

function labelsOneHot(yTrue: tf.Tensor, classes: number): tf.Tensor {
  return tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), "int32"), classes);
}

/**
 * The task losses of tfjs-layers' compile(), with the same formulas (predictions are
 * probabilities, clipped to [eps, 1 - eps] with the backend epsilon), averaged over the batch:
 * - categoricalCrossentropy: -sum_c y_c log p_c, y one-hot (B x C);
 * - sparseCategoricalCrossentropy: the same with integer labels (B or B x 1);
 * - binaryCrossentropy: -mean_j [y log p + (1 - y) log(1 - p)];
 * - meanSquaredError: mean_j (p - y)^2;
 * - a function (yTrue, yPred) -> tensor: its mean.
 */
export function resolveTaskLoss(loss: TaskLossName | TaskLossFn, where: string): TaskLoss {
  if (typeof loss === "function") {
    return {
      name: loss.name || "custom",
      fn: (yTrue, yPred) => {
        const out = loss(yTrue, yPred);
        if (!(out instanceof tf.Tensor)) {
          throw new SparsekitError(`${where}: the custom loss function must return a tf.Tensor, got ${typeof out}.`);
        }
        return (out.rank === 0 ? out : tf.mean(out)) as tf.Scalar;
      },
    };
  }
  const argmaxEqual = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.cast(tf.equal(a, b), "float32")) as tf.Scalar;
  switch (loss) {
    case "categoricalCrossentropy":
      return {
        name: loss,
        fn: (y, p) => tf.mean(tf.metrics.categoricalCrossentropy(y, p)) as tf.Scalar,
        accuracy: (y, p) => argmaxEqual(tf.argMax(y, -1), tf.argMax(p, -1)),
      };
    case "sparseCategoricalCrossentropy":
      return {
        name: loss,
        fn: (y, p) => tf.mean(tf.metrics.categoricalCrossentropy(labelsOneHot(y, p.shape[p.rank - 1]), p)) as tf.Scalar,
        accuracy: (y, p) => argmaxEqual(tf.cast(tf.reshape(y, [-1]), "int32"), tf.argMax(p, -1)),
      };
    case "binaryCrossentropy":
      return {
        name: loss,
        fn: (y, p) => tf.mean(tf.metrics.binaryCrossentropy(y, p)) as tf.Scalar,
        accuracy: (y, p) => argmaxEqual(tf.cast(y, "float32"), tf.cast(tf.greater(p, 0.5), "float32")),
      };
    case "meanSquaredError":
      return { name: loss, fn: (y, p) => tf.mean(tf.metrics.meanSquaredError(y, p)) as tf.Scalar };
    default:
      throw new SparsekitError(
        `${where}: option 'loss' must be one of ${TASK_LOSSES.map((l) => `"${l}"`).join(", ")} or a function, got ${JSON.stringify(loss)}.`,
      );
  }
}

/**
 * Checks targets against the model's output shape before training, so that a wrong label
 * format fails with a clear message instead of a broadcast error or a silently wrong loss.
 * Integer labels are read back once and range-checked.
 */
export function checkTargets(loss: TaskLoss, y: tf.Tensor, outputShape: (number | null)[], where: string, arg: string): void {
  const classes = outputShape[outputShape.length - 1];
  const tail = outputShape.slice(1);
  if (loss.name === "sparseCategoricalCrossentropy") {
    const ok = y.rank === 1 || (y.rank === 2 && y.shape[1] === 1);
    if (!ok) {
      throw new SparsekitError(`${where}: argument '${arg}' must hold integer class labels of shape [B] or [B, 1] for sparseCategoricalCrossentropy, got shape ${shapeString(y.shape)}.`);
    }
    const [mn, mx, frac] = tf.tidy(() => [
      tf.min(y).dataSync()[0],
      tf.max(y).dataSync()[0],
      tf.sum(tf.abs(tf.sub(y, tf.round(y)))).dataSync()[0],
    ]);
    if (frac !== 0 || mn < 0 || (classes != null && mx >= classes)) {
      throw new SparsekitError(`${where}: argument '${arg}' must hold integer labels in [0, ${classes != null ? classes - 1 : "C-1"}], got values in [${mn}, ${mx}]${frac !== 0 ? " (some not integers)" : ""}.`);
    }
    return;
  }
  if (!TASK_LOSSES.includes(loss.name as TaskLossName)) return; // custom: the caller's business
  const expected = [y.shape[0], ...tail];
  const same = y.rank === expected.length && tail.every((d, i) => d == null || d === y.shape[i + 1]);
  if (!same) {
    throw new SparsekitError(`${where}: argument '${arg}' must have shape ${shapeString(expected.map((d) => d ?? -1))} to match the model output for ${loss.name}, got ${shapeString(y.shape)}.`);
  }
}
