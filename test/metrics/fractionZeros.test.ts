import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fractionZeros } from "../../src/metrics/fractionZeros.js";
import { meanActiveUnits } from "../../src/metrics/meanActiveUnits.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

// Small signed matrices with many exact zeros; entries are multiples of 0.01 in [-10, 10].
const entry = fc.oneof(fc.constant(0), fc.integer({ min: -1000, max: 1000 }).map((v) => v / 100));
const codes = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
  .chain(([b, k]) => fc.array(fc.array(entry, { minLength: k, maxLength: k }), { minLength: b, maxLength: b }));

const H = [
  [1, 0, 0, 0, 0],
  [1, 1, 1, 1, 0],
  [2, 0, 1, 0, 0],
  [0, 0, 0, 0, 0],
];

describe("fractionZeros", () => {
  it("matches hand-computed values", () => {
    expect(fractionZeros(H)).toBe(13 / 20); // zeros per row: 4, 1, 3, 5
    expect(fractionZeros(H, { tol: 1 })).toBe(19 / 20); // only the 2 exceeds tol
    expect(fractionZeros([[0, 1, 0, 0]])).toBe(3 / 4);
    expect(fractionZeros([[3, 3], [3, 3]])).toBe(0);
    expect(fractionZeros([[-3, 0], [0, 3]])).toBe(1 / 2); // uses |h|
  });

  it("is 1 for all-zero codes", () => {
    expect(fractionZeros([[0, 0, 0], [0, 0, 0]])).toBe(1);
  });

  it("uses a default tol of 1e-6 x max|h|, or an absolute tol", () => {
    // 1e-7 is below 1e-6 x 1 (zero); 1e-5 is above (active)
    expect(fractionZeros([[1, 1e-7, 1e-5, 0]])).toBe(2 / 4);
    // the default is relative: scaling H scales tol with it
    expect(fractionZeros([[1000, 1e-4, 1e-2, 0]])).toBe(2 / 4);
    expect(fractionZeros([[1, 1e-7, 1e-5, 0]], { tol: 0 })).toBe(1 / 4);
    expect(fractionZeros([[1, 1e-7, 1e-5, 0]], { tol: 1e-4 })).toBe(3 / 4);
    expect(fractionZeros([[0.5, 0.25]], { tol: 0.25 })).toBe(1 / 2); // |h| <= tol is zero
  });

  it("lies in [0, 1] and complements the fraction of active entries", () => {
    fc.assert(
      fc.property(codes, fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: undefined }), (h, tol) => {
        const z = fractionZeros(h, { tol });
        const k = h[0].length;
        expect(z).toBeGreaterThanOrEqual(0);
        expect(z).toBeLessThanOrEqual(1);
        expect(z + meanActiveUnits(h, { tol }) / k).toBeCloseTo(1, 12);
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same result for a tensor and for plain rows", () => {
    fc.assert(
      fc.property(codes, (h) => {
        const t = tf.tensor2d(h);
        expect(fractionZeros(t)).toBe(fractionZeros(h));
        expect(fractionZeros(t, { tol: 0.5 })).toBe(fractionZeros(h, { tol: 0.5 }));
        t.dispose();
      }),
      { numRuns: 50 },
    );
  });

  it("rejects bad input with SparsekitError", () => {
    const rank1 = tf.tensor1d([1, 0]);
    expect(() => fractionZeros(rank1 as unknown as tf.Tensor2D)).toThrow(/fractionZeros: argument 'h' must be a rank 2 tensor/);
    rank1.dispose();
    expect(() => fractionZeros([1, 0] as unknown as number[][])).toThrow(/fractionZeros: .*rank-1 array/);
    expect(() => fractionZeros([])).toThrow(/empty batch/);
    expect(() => fractionZeros([[1, NaN]])).toThrow(/1 NaN/);
    expect(() => fractionZeros([[1, Infinity]])).toThrow(SparsekitError);
    expect(() => fractionZeros(H, { tol: -0.1 })).toThrow(/option 'tol' must be a finite number, >= 0/);
    expect(() => fractionZeros(H, { tolerance: 1 } as never)).toThrow(/unknown option 'tolerance'/);
  });

  it("leaks no tensors and leaves the input tensor alive", () => {
    const t = tf.tensor2d(H);
    const i = tf.tensor2d(H, undefined, "int32");
    const before = tf.memory().numTensors;
    fractionZeros(t);
    fractionZeros(i, { tol: 0.5 });
    fractionZeros(H);
    expect(() => fractionZeros([[NaN]])).toThrow(SparsekitError);
    expect(tf.memory().numTensors).toBe(before);
    expect(t.isDisposed).toBe(false);
    tf.dispose([t, i]);
  });
});
