import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";

/**
 * A labelled set of samples: inputs `x` (float32, first axis = sample), integer class labels and,
 * when asked for, their one-hot encoding `y` [n, numClasses] (float32). The caller owns the
 * tensors: free them with {@link disposeLabelledData}.
 */
export interface LabelledData {
  x: tf.Tensor;
  labels: Int32Array;
  y?: tf.Tensor2D;
}

/**
 * Packs host arrays into a {@link LabelledData}: `pixels` holds labels.length samples in row-major
 * order, reshaped to [n, ...sampleShape]. Labels must be integers in [0, numClasses).
 */
export function makeLabelledData(
  pixels: Float32Array,
  labels: Int32Array,
  sampleShape: readonly number[],
  numClasses: number,
  oneHot: boolean,
  where: string,
): LabelledData {
  const n = labels.length;
  const size = sampleShape.reduce((a, b) => a * b, 1);
  if (pixels.length !== n * size) {
    throw new SparsekitError(
      `${where}: ${n} labels need ${n * size} input values (${n} x [${sampleShape.join(", ")}]), got ${pixels.length}.`,
    );
  }
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!(c >= 0 && c < numClasses)) {
      throw new SparsekitError(`${where}: label ${i} must be an integer class in [0, ${numClasses - 1}], got ${c}.`);
    }
  }
  const x = tf.tensor(pixels, [n, ...sampleShape], "float32");
  if (!oneHot) return { x, labels };
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, "int32"), numClasses), "float32")) as tf.Tensor2D;
  return { x, labels, y };
}

/** Frees the tensors of a {@link LabelledData}. */
export function disposeLabelledData(data: LabelledData): void {
  data.x.dispose();
  data.y?.dispose();
}
