import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { contingencyTable, readLabels } from "../../src/metrics/contingencyTable.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

describe("contingencyTable", () => {
  it("counts label pairs with rows/cols in ascending label order", () => {
    const t = contingencyTable([5, 5, 7, 7, 7], [1, -2, 1, 1, -2]);
    expect(t.rowLabels).toEqual([5, 7]);
    expect(t.colLabels).toEqual([-2, 1]);
    expect(Array.from(t.counts)).toEqual([1, 1, 1, 2]);
    expect(Array.from(t.rowSums)).toEqual([2, 3]);
    expect(Array.from(t.colSums)).toEqual([2, 3]);
    expect(t.n).toBe(5);
  });
  it("accepts rank-1 tensors", () => {
    const a = tf.tensor1d([0, 1, 1], "int32");
    const t = contingencyTable(a, [2, 2, 3]);
    expect(Array.from(t.counts)).toEqual([1, 0, 1, 1]);
    a.dispose();
  });
  it("rejects bad input with a named argument", () => {
    expect(() => contingencyTable([0, 1], [0])).toThrow(/'a' and 'b' must label the same samples, got 2 and 1/);
    expect(() => contingencyTable([], [])).toThrow(SparsekitError);
    expect(() => readLabels([0, 1.5], "f", "x")).toThrow(/f: argument 'x' must hold integer labels, got 1.5 at index 1/);
    expect(() => readLabels([0, NaN], "f", "x")).toThrow(/integer labels/);
    const m = tf.zeros([2, 2]);
    expect(() => readLabels(m, "f", "x")).toThrow(/rank-1 tensor/);
    m.dispose();
    expect(() => readLabels(null, "f", "x")).toThrow(/got null/);
  });
});
