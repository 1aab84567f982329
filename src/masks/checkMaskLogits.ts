import type * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBatchSize, assertFinite, assertRank, assertTensor, shapeString } from "../validation/tensorChecks.js";

/**
 * Validates mask logits for a gate (SPEC §1.6): a finite, non-empty tensor of shape B x H x W or
 * B x H x W x 1 (one logit per pixel). Returns nothing; gates keep the input's shape.
 */
export function checkMaskLogits(logits: unknown, where: string, name = "logits"): asserts logits is tf.Tensor {
  assertTensor(logits, where, name);
  assertRank(logits, where, name, [3, 4], "B x H x W or B x H x W x 1 mask logits");
  if (logits.rank === 4 && logits.shape[3] !== 1) {
    throw new SparsekitError(
      `${where}: argument '${name}' must have a single channel (B x H x W x 1), got shape ${shapeString(logits.shape)}.`,
    );
  }
  assertBatchSize(logits, where, name);
  assertFinite(logits, where, name);
}
