import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fractionZeros } from "../../src/metrics/fractionZeros.js";
import { meanActiveUnits } from "../../src/metrics/meanActiveUnits.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

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

describe("meanActiveUnits", () => {
  it("matches hand-computed values", () => {
    expect(meanActiveUnits(H)).toBe(7 / 4); // active per row: 1, 4, 2, 0
    expect(meanActiveUnits(H, { tol: 1 })).toBe(1 / 4);
    expect(meanActiveUnits([[0, 5, 0], [0, 0, -5]])).toBe(1); // one-hot rows, signed
    expect(meanActiveUnits([[2, 2, 2]])).toBe(3);
    expect(meanActiveUnits([[0, 0], [0, 0]])).toBe(0);
  });

  it("uses the same default tol as fractionZeros (1e-6 x max|h|)", () => {
    expect(meanActiveUnits([[1, 1e-7, 1e-5, 0]])).toBe(2);
    expect(meanActiveUnits([[1, 1e-7, 1e-5, 0]], { tol: 0 })).toBe(3);
  });

  it("equals K x (1 - fractionZeros) with the same tol and lies in [0, K]", () => {
    fc.assert(
      fc.property(codes, fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: undefined }), (h, tol) => {
        const k = h[0].length;
        const a = meanActiveUnits(h, { tol });
        expect(a).toBeCloseTo(k * (1 - fractionZeros(h, { tol })), 10);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(k);
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same result for a tensor and for plain rows", () => {
    fc.assert(
      fc.property(codes, (h) => {
        const t = tf.tensor2d(h);
        expect(meanActiveUnits(t)).toBe(meanActiveUnits(h));
        t.dispose();
      }),
      { numRuns: 50 },
    );
  });

  it("rejects bad input with SparsekitError", () => {
    const rank3 = tf.zeros([2, 2, 2]);
    expect(() => meanActiveUnits(rank3 as tf.Tensor2D)).toThrow(/meanActiveUnits: argument 'h' must be a rank 2 tensor/);
    rank3.dispose();
    expect(() => meanActiveUnits([[]])).toThrow(/at least one unit/);
    expect(() => meanActiveUnits([[NaN, 1]])).toThrow(/meanActiveUnits: .*1 NaN/);
    expect(() => meanActiveUnits(H, { tol: -1 })).toThrow(SparsekitError);
    expect(() => meanActiveUnits(H, { k: 1 } as never)).toThrow(/unknown option 'k'/);
  });

  it("leaks no tensors", () => {
    const t = tf.tensor2d(H);
    const before = tf.memory().numTensors;
    meanActiveUnits(t);
    meanActiveUnits(H, { tol: 0.1 });
    expect(() => meanActiveUnits([[1], [2, 3]])).toThrow(SparsekitError);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
