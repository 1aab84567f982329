import * as tf from "@tensorflow/tfjs";
import { assertNumberOption } from "../validation/optionChecks.js";

/**
 * Centre-crop baseline (SPEC §5.7): a centred square of side s = round(sqrt(fraction H W)),
 * at least 1 and at most min(H, W), starting at row floor((H - s) / 2) and column
 * floor((W - s) / 2). Its kept fraction s^2 / (H W) approximates `fraction` (e.g. 0.1 of
 * 28 x 28 -> 9 x 9 = 10.3%); read the exact value from the mask.
 *
 * @returns binary mask [1, height, width, 1] (broadcasts over a batch).
 */
export function centreCropMask(height: number, width: number, fraction: number): tf.Tensor4D {
  const where = "centreCropMask";
  assertNumberOption(height, where, "height", { integer: true, min: 1 });
  assertNumberOption(width, where, "width", { integer: true, min: 1 });
  assertNumberOption(fraction, where, "fraction", { min: 0, max: 1, exclusiveMin: true });
  const side = Math.min(height, width, Math.max(1, Math.round(Math.sqrt(fraction * height * width))));
  const top = Math.floor((height - side) / 2);
  const left = Math.floor((width - side) / 2);
  const values = new Float32Array(height * width);
  for (let r = top; r < top + side; r++) for (let c = left; c < left + side; c++) values[r * width + c] = 1;
  return tf.tensor4d(values, [1, height, width, 1]);
}
