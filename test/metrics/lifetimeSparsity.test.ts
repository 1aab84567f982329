import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lifetimeSparsity, lifetimeSparsityPerUnit } from "../../src/metrics/lifetimeSparsity.js";
import { populationSparsity, populationSparsityPerSample } from "../../src/metrics/populationSparsity.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

function codesOf(entry: fc.Arbitrary<number>) {
  return fc
    .tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 6 }))
    .chain(([b, k]) => fc.array(fc.array(entry, { minLength: k, maxLength: k }), { minLength: b, maxLength: b }));
}
const signed = codesOf(fc.oneof(fc.constant(0), fc.integer({ min: -1000, max: 1000 }).map((v) => v / 100)));
const nonNegative = codesOf(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1000 }).map((v) => v / 100)));

const transpose = (h: number[][]) => h[0].map((_, k) => h.map((row) => row[k]));

const H = [
  [1, 0, 0, 0, 0],
  [1, 1, 1, 1, 0],
  [2, 0, 1, 0, 0],
  [0, 0, 0, 0, 0],
];

function expectScores(actual: number[], expected: number[], digits = 5): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    if (Number.isNaN(expected[i])) expect(v).toBeNaN();
    else expect(v).toBeCloseTo(expected[i], digits);
  });
}

describe("lifetimeSparsity", () => {
  it("matches a mixed matrix computed by hand; a dead unit is NaN and left out of the mean", () => {
    const perUnit = [
      1 - 1 ** 2 / (6 / 4), // [1, 1, 2, 0]: mean 1, mean square 3/2 -> 1/3
      1 - (1 / 4) ** 2 / (1 / 4), // [0, 1, 0, 0] -> 3/4
      1 - (1 / 2) ** 2 / (1 / 2), // [0, 1, 1, 0] -> 1/2
      3 / 4,
      NaN, // dead
    ];
    expectScores(lifetimeSparsityPerUnit(H), perUnit);
    expect(lifetimeSparsity(H)).toBeCloseTo((1 / 3 + 3 / 4 + 1 / 2 + 3 / 4) / 4, 5); // 7/12
  });

  it("is 1 - 1/B for a unit active on one sample, 0 for a constant unit, NaN when all are dead", () => {
    expectScores(lifetimeSparsityPerUnit([[0, 3], [5, 3], [0, 3]]), [1 - 1 / 3, 0]);
    expectScores(lifetimeSparsityPerUnit([[4, -1]]), [0, 0]); // B = 1
    expectScores(lifetimeSparsityPerUnit(H, { tol: 1 }), [1 / 3, NaN, NaN, NaN, NaN]);
    expect(lifetimeSparsity([[0, 0], [0, 0]])).toBeNaN();
  });

  it("equals population sparsity of H^T", () => {
    fc.assert(
      fc.property(signed, fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: undefined }), (h, tol) => {
        const ht = transpose(h);
        expectScores(lifetimeSparsityPerUnit(h, { tol }), populationSparsityPerSample(ht, { tol }));
        const [a, b] = [lifetimeSparsity(h, { tol }), populationSparsity(ht, { tol })];
        if (Number.isNaN(b)) expect(a).toBeNaN();
        else expect(a).toBeCloseTo(b, 5);
      }),
      { numRuns: 100 },
    );
  });

  it("lies in [0, 1 - 1/B] for non-negative codes and in [0, 1] for signed codes", () => {
    fc.assert(
      fc.property(nonNegative, (h) => {
        const b = h.length;
        for (const v of [...lifetimeSparsityPerUnit(h), lifetimeSparsity(h)]) {
          if (Number.isNaN(v)) continue;
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1 - 1 / b + 1e-6);
        }
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(signed, (h) => {
        for (const v of lifetimeSparsityPerUnit(h)) {
          if (Number.isNaN(v)) continue;
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same result for a tensor and for plain rows", () => {
    fc.assert(
      fc.property(signed, (h) => {
        const t = tf.tensor2d(h);
        expect(lifetimeSparsityPerUnit(t)).toEqual(lifetimeSparsityPerUnit(h));
        expect(lifetimeSparsity(t)).toEqual(lifetimeSparsity(h));
        t.dispose();
      }),
      { numRuns: 50 },
    );
  });

  it("rejects bad input with SparsekitError", () => {
    const rank1 = tf.tensor1d([1, 0]);
    expect(() => lifetimeSparsity(rank1 as unknown as tf.Tensor2D)).toThrow(/lifetimeSparsity: argument 'h' must be a rank 2 tensor/);
    rank1.dispose();
    expect(() => lifetimeSparsityPerUnit([])).toThrow(/lifetimeSparsityPerUnit: argument 'h' must be a non-empty batch/);
    expect(() => lifetimeSparsity([[1, 2], [NaN, 0]])).toThrow(/1 NaN/);
    expect(() => lifetimeSparsityPerUnit(H, { tol: -0.5 })).toThrow(/option 'tol'/);
    expect(() => lifetimeSparsity(H, { tol: 0, extra: true } as never)).toThrow(/unknown option 'extra'/);
  });

  it("leaks no tensors", () => {
    const t = tf.tensor2d(H);
    const before = tf.memory().numTensors;
    lifetimeSparsity(t);
    lifetimeSparsityPerUnit(H, { tol: 0.5 });
    expect(() => lifetimeSparsity([[1, 2], [3]])).toThrow(SparsekitError);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
