import * as tf from "@tensorflow/tfjs";
import { checkCodes } from "../validation/tensorChecks.js";

/**
 * Subtracts from each row (patch) its own mean: `x_ij - mean_j x_ij`. Removes each patch's
 * brightness (DC) so models spend no units on it. x: [n, d] -> [n, d]. SPEC.md §1.2.
 */
export function removePatchMean(x: tf.Tensor2D): tf.Tensor2D {
  checkCodes(x, "removePatchMean", "x", { rank: 2, meaning: "n x d: one patch per row" });
  return tf.tidy(() => tf.sub(x, tf.mean(x, 1, true)));
}
