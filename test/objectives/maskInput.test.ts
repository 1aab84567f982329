import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { checkMask } from "../../src/objectives/maskInput.js";

describe("checkMask", () => {
  it("accepts B x H x W and B x H x W x 1 and returns B x H x W float32", () => {
    const a = tf.ones([2, 3, 4]);
    const b = tf.ones([2, 3, 4, 1]);
    const ra = checkMask(a, "f");
    const rb = checkMask(b, "f");
    expect(ra.shape).toEqual([2, 3, 4]);
    expect(rb.shape).toEqual([2, 3, 4]);
    expect(rb.dtype).toBe("float32");
    tf.dispose([a, b, ra, rb]);
  });

  it("rejects wrong rank, several channels, empty batch, non-finite and out-of-range values", () => {
    expect(() => checkMask(tf.ones([3, 4]), "maskArea")).toThrow(
      /maskArea: argument 'mask' must be a rank 3 or 4 tensor \(B x H x W or B x H x W x 1 mask\), got rank 2/,
    );
    expect(() => checkMask(tf.ones([2, 3, 4, 3]), "maskArea")).toThrow(/argument 'mask' must have a single channel \(B x H x W x 1\), got shape \[2, 3, 4, 3\]/);
    expect(() => checkMask(tf.ones([0, 3, 4]), "maskArea")).toThrow(/argument 'mask' must be a non-empty batch/);
    expect(() => checkMask(tf.ones([2, 0, 4]), "maskArea")).toThrow(/must be a tensor with no zero-size dimension/);
    expect(() => checkMask(tf.tensor3d([[[NaN, 1]]]), "maskArea")).toThrow(/argument 'mask' must be finite everywhere, got 1 NaN/);
    expect(() => checkMask(tf.tensor3d([[[Infinity, 1]]]), "maskArea")).toThrow(/1 infinite/);
    expect(() => checkMask(tf.tensor3d([[[1.2, 0]]]), "maskArea")).toThrow(/argument 'mask' must be within \[0, 1\], got values in \[0, 1\.2/);
    expect(() => checkMask(tf.tensor3d([[[-0.5, 0]]]), "maskArea")).toThrow(/argument 'mask' must be within \[0, 1\]/);
    expect(() => checkMask(null, "maskArea")).toThrow(/argument 'mask' must be a tf.Tensor, got null/);
  });
});
