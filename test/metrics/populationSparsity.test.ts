import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { populationSparsity, populationSparsityPerSample } from "../../src/metrics/populationSparsity.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

function codesOf(entry: fc.Arbitrary<number>) {
  return fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 7 }))
    .chain(([b, k]) => fc.array(fc.array(entry, { minLength: k, maxLength: k }), { minLength: b, maxLength: b }));
}
const signed = codesOf(fc.oneof(fc.constant(0), fc.integer({ min: -1000, max: 1000 }).map((v) => v / 100)));
const nonNegative = codesOf(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1000 }).map((v) => v / 100)));

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

describe("populationSparsity", () => {
  it("is 1 - 1/K for one-hot rows and 0 for constant rows", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.nat(), fc.double({ min: 0.01, max: 100, noNaN: true }), (k, pos, v) => {
        const oneHot = Array.from({ length: k }, (_, j) => (j === pos % k ? v : 0));
        const constant = Array.from({ length: k }, () => v);
        expectScores(populationSparsityPerSample([oneHot, constant]), [1 - 1 / k, 0]);
      }),
      { numRuns: 50 },
    );
  });

  it("matches a mixed matrix computed by hand; an all-zero row is NaN and left out of the mean", () => {
    const perSample = [
      1 - (1 / 5) ** 2 / (1 / 5), // 4/5
      1 - (4 / 5) ** 2 / (4 / 5), // 1/5
      1 - (3 / 5) ** 2 / (5 / 5), // 16/25
      NaN,
    ];
    expectScores(populationSparsityPerSample(H), perSample);
    expect(populationSparsity(H)).toBeCloseTo((4 / 5 + 1 / 5 + 16 / 25) / 3, 5);
    // signed codes: zero mean gives 1
    expectScores(populationSparsityPerSample([[1, -1, 2, -2]]), [1]);
  });

  it("uses the silent-row convention with tol, and is NaN when all rows are silent", () => {
    expectScores(populationSparsityPerSample(H, { tol: 1 }), [NaN, NaN, 16 / 25, NaN]);
    expect(populationSparsity([[0, 0], [0, 0]])).toBeNaN();
  });

  it("lies in [0, 1 - 1/K] for non-negative codes and in [0, 1] for signed codes", () => {
    fc.assert(
      fc.property(nonNegative, (h) => {
        const k = h[0].length;
        for (const v of [...populationSparsityPerSample(h), populationSparsity(h)]) {
          if (Number.isNaN(v)) continue;
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1 - 1 / k + 1e-6);
        }
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(signed, (h) => {
        for (const v of populationSparsityPerSample(h)) {
          if (Number.isNaN(v)) continue;
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("is invariant to permuting units", () => {
    const permuted = signed.chain((h) =>
      fc.tuple(fc.constant(h), fc.shuffledSubarray([...h[0].keys()], { minLength: h[0].length, maxLength: h[0].length })),
    );
    fc.assert(
      fc.property(permuted, ([h, perm]) => {
        const g = h.map((row) => perm.map((j) => row[j]));
        expectScores(populationSparsityPerSample(g), populationSparsityPerSample(h));
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same result for a tensor and for plain rows", () => {
    fc.assert(
      fc.property(signed, (h) => {
        const t = tf.tensor2d(h);
        expect(populationSparsityPerSample(t)).toEqual(populationSparsityPerSample(h));
        expect(populationSparsity(t)).toEqual(populationSparsity(h));
        t.dispose();
      }),
      { numRuns: 50 },
    );
  });

  it("rejects bad input with SparsekitError", () => {
    const rank1 = tf.tensor1d([1, 0]);
    expect(() => populationSparsity(rank1 as unknown as tf.Tensor2D)).toThrow(/populationSparsity: argument 'h' must be a rank 2 tensor/);
    rank1.dispose();
    expect(() => populationSparsity([])).toThrow(/empty batch/);
    expect(() => populationSparsityPerSample([[Infinity, 0]])).toThrow(/populationSparsityPerSample: .*1 infinite/);
    expect(() => populationSparsity(H, { tol: -1 })).toThrow(/option 'tol'/);
    expect(() => populationSparsity(H, { axis: 0 } as never)).toThrow(/unknown option 'axis'/);
  });

  it("leaks no tensors", () => {
    const t = tf.tensor2d(H);
    const before = tf.memory().numTensors;
    populationSparsity(t);
    populationSparsityPerSample(H);
    expect(() => populationSparsity([[NaN]])).toThrow(SparsekitError);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
