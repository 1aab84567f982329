import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hoyerSparsity, hoyerSparsityPerSample } from "../../src/metrics/hoyerSparsity.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

const entry = fc.oneof(fc.constant(0), fc.integer({ min: -1000, max: 1000 }).map((v) => v / 100));
const codes = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 7 }))
  .chain(([b, k]) => fc.array(fc.array(entry, { minLength: k, maxLength: k }), { minLength: b, maxLength: b }));

const H = [
  [1, 0, 0, 0, 0],
  [1, 1, 1, 1, 0],
  [2, 0, 1, 0, 0],
  [0, 0, 0, 0, 0],
];
const r5 = Math.sqrt(5);

function expectScores(actual: number[], expected: number[], digits = 5): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    if (Number.isNaN(expected[i])) expect(v).toBeNaN();
    else expect(v).toBeCloseTo(expected[i], digits);
  });
}

describe("hoyerSparsity", () => {
  it("is 1 for one-hot rows and 0 for constant rows", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10 }), fc.nat(), fc.double({ min: 0.01, max: 100, noNaN: true }), (k, pos, v) => {
        const oneHot = Array.from({ length: k }, (_, j) => (j === pos % k ? v : 0));
        const negOneHot = oneHot.map((x) => -x);
        const constant = Array.from({ length: k }, () => v);
        expectScores(hoyerSparsityPerSample([oneHot, negOneHot, constant]), [1, 1, 0]);
      }),
      { numRuns: 50 },
    );
  });

  it("matches a mixed matrix computed by hand; an all-zero row is NaN and left out of the mean", () => {
    const perSample = [
      1, // one-hot
      (r5 - 4 / 2) / (r5 - 1), // L1 = 4, L2 = 2
      (r5 - 3 / r5) / (r5 - 1), // L1 = 3, L2 = sqrt(5)
      NaN, // all zero
    ];
    expectScores(hoyerSparsityPerSample(H), perSample);
    expect(hoyerSparsity(H)).toBeCloseTo((perSample[0] + perSample[1] + perSample[2]) / 3, 5);
  });

  it("treats rows with every |h| <= tol as silent", () => {
    // tol = 1 silences rows 0, 1 and 3; only row 2 remains
    expectScores(hoyerSparsityPerSample(H, { tol: 1 }), [NaN, NaN, (r5 - 3 / r5) / (r5 - 1), NaN]);
    expect(hoyerSparsity(H, { tol: 1 })).toBeCloseTo((r5 - 3 / r5) / (r5 - 1), 5);
    // default tol: a row far below 1e-6 of the peak is silent, with tol 0 it is one-hot
    expectScores(hoyerSparsityPerSample([[1, 1], [1e-8, 0]]), [0, NaN]);
    expectScores(hoyerSparsityPerSample([[1, 1], [1e-8, 0]], { tol: 0 }), [0, 1]);
  });

  it("is NaN when every row is silent", () => {
    expect(hoyerSparsity([[0, 0], [0, 0]])).toBeNaN();
    expect(hoyerSparsityPerSample([[0, 0, 0]])).toEqual([NaN]);
  });

  it("lies in [0, 1]", () => {
    fc.assert(
      fc.property(codes, (h) => {
        for (const v of [...hoyerSparsityPerSample(h), hoyerSparsity(h)]) {
          if (Number.isNaN(v)) continue;
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("is invariant to scaling a row by c != 0", () => {
    const scaledRow = codes.chain((h) =>
      fc.tuple(fc.constant(h), fc.nat({ max: h.length - 1 }), fc.double({ min: 0.01, max: 100, noNaN: true }), fc.boolean()),
    );
    fc.assert(
      fc.property(scaledRow, ([h, i, c, flip]) => {
        const s = flip ? -c : c;
        const g = h.map((row, r) => (r === i ? row.map((v) => v * s) : row));
        // tol 0: silence (all-zero rows) does not depend on the scale
        expectScores(hoyerSparsityPerSample(g, { tol: 0 }), hoyerSparsityPerSample(h, { tol: 0 }));
      }),
      { numRuns: 100 },
    );
  });

  it("keeps its average when all of H is scaled (the default tol scales with H)", () => {
    fc.assert(
      fc.property(codes, fc.double({ min: 0.01, max: 100, noNaN: true }), (h, c) => {
        const g = h.map((row) => row.map((v) => v * c));
        const [a, b] = [hoyerSparsity(h), hoyerSparsity(g)];
        if (Number.isNaN(a)) expect(b).toBeNaN();
        else expect(b).toBeCloseTo(a, 5);
      }),
      { numRuns: 100 },
    );
  });

  it("is invariant to permuting units", () => {
    const permuted = codes.chain((h) =>
      fc.tuple(fc.constant(h), fc.shuffledSubarray([...h[0].keys()], { minLength: h[0].length, maxLength: h[0].length })),
    );
    fc.assert(
      fc.property(permuted, ([h, perm]) => {
        const g = h.map((row) => perm.map((j) => row[j]));
        expectScores(hoyerSparsityPerSample(g), hoyerSparsityPerSample(h));
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same result for a tensor and for plain rows", () => {
    fc.assert(
      fc.property(codes, (h) => {
        const t = tf.tensor2d(h);
        expect(hoyerSparsityPerSample(t)).toEqual(hoyerSparsityPerSample(h));
        expect(hoyerSparsity(t)).toEqual(hoyerSparsity(h));
        t.dispose();
      }),
      { numRuns: 50 },
    );
  });

  it("rejects bad input with SparsekitError", () => {
    const rank1 = tf.tensor1d([1, 0, 0]);
    expect(() => hoyerSparsity(rank1 as unknown as tf.Tensor2D)).toThrow(/hoyerSparsity: argument 'h' must be a rank 2 tensor/);
    rank1.dispose();
    expect(() => hoyerSparsity([])).toThrow(/empty batch/);
    expect(() => hoyerSparsityPerSample([[0, NaN]])).toThrow(/hoyerSparsityPerSample: .*1 NaN/);
    expect(() => hoyerSparsity([[1], [2]])).toThrow(/at least 2 units \(columns\).*K = 1, got shape \[2, 1\]/);
    const k1 = tf.ones([3, 1]) as tf.Tensor2D;
    expect(() => hoyerSparsityPerSample(k1)).toThrow(SparsekitError);
    k1.dispose();
    expect(() => hoyerSparsity(H, { tol: -1 })).toThrow(/hoyerSparsity: option 'tol' must be a finite number, >= 0/);
    expect(() => hoyerSparsity(H, { n: 5 } as never)).toThrow(/unknown option 'n'/);
  });

  it("leaks no tensors", () => {
    const t = tf.tensor2d(H);
    const before = tf.memory().numTensors;
    hoyerSparsity(t);
    hoyerSparsityPerSample(H, { tol: 0.5 });
    expect(() => hoyerSparsity([[1], [1]])).toThrow(SparsekitError);
    expect(tf.memory().numTensors).toBe(before);
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });
});
