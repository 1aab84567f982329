import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { checkMaskLogits } from "../../src/masks/checkMaskLogits.js";

describe("checkMaskLogits", () => {
  it("accepts B x H x W and B x H x W x 1", () => {
    expect(() => checkMaskLogits(tf.zeros([2, 3, 4]), "f")).not.toThrow();
    expect(() => checkMaskLogits(tf.zeros([2, 3, 4, 1]), "f")).not.toThrow();
  });
  it("names the function and argument in every rejection", () => {
    expect(() => checkMaskLogits([1, 2], "gate")).toThrow(/gate: argument 'logits' must be a tf.Tensor/);
    expect(() => checkMaskLogits(tf.zeros([3, 4]), "gate")).toThrow(/gate: argument 'logits' must be a rank 3 or 4 tensor/);
    expect(() => checkMaskLogits(tf.zeros([1, 3, 4, 2]), "gate")).toThrow(/single channel/);
    expect(() => checkMaskLogits(tf.zeros([0, 3, 4]), "gate")).toThrow(/non-empty batch/);
    expect(() => checkMaskLogits(tf.tensor3d([[[Infinity]]]), "gate", "scores")).toThrow(/argument 'scores' must be finite/);
  });
});
