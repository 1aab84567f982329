import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBatchSize, assertFinite, assertInRange, assertRank, assertTensor, shapeString } from "../validation/tensorChecks.js";

/**
 * Validates a gated mask M (SPEC §1.6): a tensor of shape B x H x W or B x H x W x 1, non-empty,
 * finite, with every value in [0, 1]. Returns it as B x H x W float32 (the caller owns and must
 * dispose the result; call inside tf.tidy).
 */
export function checkMask(mask: unknown, where: string, name = "mask"): tf.Tensor3D {
  assertTensor(mask, where, name);
  assertRank(mask, where, name, [3, 4], "B x H x W or B x H x W x 1 mask");
  if (mask.rank === 4 && mask.shape[3] !== 1) {
    throw new SparsekitError(
      `${where}: argument '${name}' must have a single channel (B x H x W x 1), got shape ${shapeString(mask.shape)}.`,
    );
  }
  assertBatchSize(mask, where, name);
  assertFinite(mask, where, name);
  assertInRange(mask, where, name, 0, 1);
  const [b, hgt, wid] = mask.shape;
  return tf.reshape(tf.cast(mask, "float32"), [b, hgt, wid]);
}
