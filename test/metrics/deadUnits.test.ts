import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deadUnitIndices, deadUnits } from "../../src/metrics/deadUnits.js";
import { lifetimeSparsityPerUnit } from "../../src/metrics/lifetimeSparsity.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

const entry = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: -1000, max: 1000 }).map((v) => v / 100));
const codes = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
  .chain(([b, k]) => fc.array(fc.array(entry, { minLength: k, maxLength: k }), { minLength: b, maxLength: b }));

const H = [
  [1, 0, 0, 0, 0],
  [1, 1, 1, 1, 0],
  [2, 0, 1, 0, 0],
  [0, 0, 0, 0, 0],
];

describe("deadUnits / deadUnitIndices", () => {
  it("matches hand-computed values", () => {
    expect(deadUnits(H)).toBe(1);
    expect(deadUnitIndices(H)).toEqual([4]);
    expect(deadUnits(H, { tol: 1 })).toBe(4); // only unit 0 reaches 2 > 1
    expect(deadUnitIndices(H, { tol: 1 })).toEqual([1, 2, 3, 4]);
    expect(deadUnitIndices([[0, -3, 0], [0, 0, 0]])).toEqual([0, 2]);
    expect(deadUnitIndices([[1, 2, 3]])).toEqual([]);
  });

  it("counts every unit dead for all-zero codes, and tiny units dead under the default tol", () => {
    expect(deadUnits([[0, 0, 0], [0, 0, 0]])).toBe(3);
    expect(deadUnitIndices([[1, 1e-7], [0.5, -1e-7]])).toEqual([1]);
    expect(deadUnitIndices([[1, 1e-7], [0.5, -1e-7]], { tol: 0 })).toEqual([]);
  });

  it("agrees with its indices and with the NaN units of lifetimeSparsityPerUnit", () => {
    fc.assert(
      fc.property(codes, fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: undefined }), (h, tol) => {
        const idx = deadUnitIndices(h, { tol });
        expect(deadUnits(h, { tol })).toBe(idx.length);
        const nanUnits = lifetimeSparsityPerUnit(h, { tol }).flatMap((v, k) => (Number.isNaN(v) ? [k] : []));
        expect(nanUnits).toEqual(idx);
        // independent reference, comparing in float32 like the codes tensor
        const abs = h.map((row) => row.map((v) => Math.abs(Math.fround(v))));
        const t32 = Math.fround(tol ?? 1e-6 * Math.max(...abs.flat()));
        const expected = h[0].flatMap((_, k) => (abs.every((row) => row[k] <= t32) ? [k] : []));
        expect(idx).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same result for a tensor and for plain rows", () => {
    fc.assert(
      fc.property(codes, (h) => {
        const t = tf.tensor2d(h);
        expect(deadUnitIndices(t)).toEqual(deadUnitIndices(h));
        expect(deadUnits(t, { tol: 1 })).toBe(deadUnits(h, { tol: 1 }));
        t.dispose();
      }),
      { numRuns: 50 },
    );
  });

  it("rejects bad input with SparsekitError", () => {
    expect(() => deadUnits([0, 1] as unknown as number[][])).toThrow(/deadUnits: argument 'h'.*rank-1 array/);
    expect(() => deadUnitIndices([])).toThrow(/deadUnitIndices: argument 'h' must be a non-empty batch/);
    expect(() => deadUnits([[1, -Infinity]])).toThrow(/1 infinite/);
    expect(() => deadUnits(H, { tol: -2 })).toThrow(/deadUnits: option 'tol'/);
    expect(() => deadUnitIndices(H, { eps: 1 } as never)).toThrow(/unknown option 'eps'/);
  });

  it("leaks no tensors", () => {
    const t = tf.tensor2d(H);
    const before = tf.memory().numTensors;
    deadUnits(t);
    deadUnitIndices(t, { tol: 1 });
    deadUnitIndices(H);
    expect(() => deadUnits([[NaN]])).toThrow(SparsekitError);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
