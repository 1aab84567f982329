import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { toCodesTensor } from "../../src/metrics/toCodesTensor.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

const where = "someMetric";

function bad(h: unknown, opts?: { minUnits?: number; why?: string }): () => void {
  return () => tf.tidy(() => void toCodesTensor(h, where, opts));
}

describe("toCodesTensor", () => {
  it("packs plain rows into a float32 B x K tensor", () => {
    const out = tf.tidy(() => {
      const t = toCodesTensor([[1, -2, 0], [0.5, 0, 3]], where);
      return { shape: t.shape, dtype: t.dtype, values: t.arraySync() };
    });
    expect(out.shape).toEqual([2, 3]);
    expect(out.dtype).toBe("float32");
    expect(out.values).toEqual([[1, -2, 0], [0.5, 0, 3]]);
  });

  it("returns a float32 tensor itself and casts int32 / bool tensors", () => {
    const f = tf.tensor2d([[1, 2]]);
    const i = tf.tensor2d([[1, 0]], undefined, "int32");
    const b = tf.tensor2d([[1, 0]], undefined, "bool");
    tf.tidy(() => {
      expect(toCodesTensor(f, where)).toBe(f);
      const ci = toCodesTensor(i, where);
      expect(ci.dtype).toBe("float32");
      expect(ci.arraySync()).toEqual([[1, 0]]);
      expect(toCodesTensor(b, where).dtype).toBe("float32");
    });
    expect(f.isDisposed || i.isDisposed || b.isDisposed).toBe(false);
    tf.dispose([f, i, b]);
  });

  it("releases the tensor it created when used inside tf.tidy", () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => void toCodesTensor([[1, 2], [3, 4]], where));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects values that are neither a tensor nor rows", () => {
    expect(bad("abc")).toThrow(SparsekitError);
    expect(bad("abc")).toThrow(/someMetric: argument 'h' must be a tf.Tensor2D or a number\[\]\[\], got string/);
    expect(bad(null)).toThrow(/got null/);
    expect(bad(undefined)).toThrow(/got undefined/);
  });

  it("rejects arrays that are not B x K matrices", () => {
    expect(bad([1, 2, 3])).toThrow(/rank-1 array \(h\[0\] is number\)/);
    expect(bad([[[1]]])).toThrow(/h\[0\]\[0\] is an array \(nested deeper than 2 levels\)/);
    expect(bad([[1, 2], [3]])).toThrow(/rows of equal length.*h\[0\] of length 2 and h\[1\] of length 1/);
    expect(bad([[1, 2], 3])).toThrow(/h\[1\] is number/);
    expect(bad([[1, "2"]])).toThrow(/h\[0\]\[1\] is string/);
    expect(bad([])).toThrow(/non-empty batch, got an empty batch \(0 rows\)/);
    expect(bad([[], []])).toThrow(/at least one unit per row/);
  });

  it("counts NaN, infinite and beyond-float32 values in arrays", () => {
    expect(bad([[1, NaN], [Infinity, -Infinity]])).toThrow(/1 NaN and 2 infinite or out-of-range value\(s\), first h\[0\]\[1\] = NaN/);
    // finite in float64, Infinity once stored as float32
    expect(bad([[0, 1e39]])).toThrow(/0 NaN and 1 infinite or out-of-range value\(s\), first h\[0\]\[1\] = 1e\+39/);
  });

  it("rejects tensors of the wrong rank, size, dtype or state", () => {
    const cases = [tf.zeros([3]), tf.zeros([2, 2, 2]), tf.zeros([0, 3]), tf.zeros([3, 0]), tf.tensor2d([[1, NaN]])];
    expect(bad(cases[0])).toThrow(/rank 2 tensor \(B x K: one row per sample\), got rank 1/);
    expect(bad(cases[1])).toThrow(/got rank 3/);
    expect(bad(cases[2])).toThrow(/empty batch/);
    expect(bad(cases[3])).toThrow(/no zero-size dimension/);
    expect(bad(cases[4])).toThrow(/finite everywhere, got 1 NaN/);
    tf.dispose(cases);
    const s = tf.tensor([["a"]]);
    expect(bad(s)).toThrow(/numeric .* tensor, got dtype string/);
    s.dispose();
    expect(bad(s)).toThrow(/a disposed tensor/);
  });

  it("enforces minUnits with the reason", () => {
    expect(bad([[1], [2]], { minUnits: 2, why: "needs two" })).toThrow(
      /someMetric: argument 'h' must be a matrix with at least 2 units \(columns\): needs two, got shape \[2, 1\]/,
    );
    expect(bad([[1, 2]], { minUnits: 2 })).not.toThrow();
  });

  it("leaks nothing when it throws", () => {
    const before = tf.memory().numTensors;
    expect(bad([[1, NaN]])).toThrow(SparsekitError);
    expect(bad([[1], [2]], { minUnits: 2 })).toThrow(SparsekitError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
