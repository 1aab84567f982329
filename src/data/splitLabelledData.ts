import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import type { LabelledData } from "./labelledData.js";

/**
 * Splits a labelled set at sample `at`: the first `at` samples and the rest (e.g. a validation
 * split held out of the training digits). New tensors; the input is left to the caller.
 */
export function splitLabelledData(data: LabelledData, at: number): [LabelledData, LabelledData] {
  const n = data.labels.length;
  if (!Number.isInteger(at) || at < 1 || at >= n) {
    throw new SparsekitError(`splitLabelledData: argument 'at' must be an integer in [1, ${n - 1}] (both parts non-empty), got ${at}.`);
  }
  const part = (start: number, size: number): LabelledData => {
    const x = tf.slice(data.x, start, size);
    const labels = data.labels.slice(start, start + size);
    return data.y ? { x, labels, y: tf.slice(data.y, [start, 0], [size, -1]) as tf.Tensor2D } : { x, labels };
  };
  return [part(0, at), part(at, n - at)];
}
