import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { meanOfDefined, scoreSlices, type SliceAxis } from "../../src/metrics/sliceScores.js";

// Mean |x| of each scaled slice: exposes the scaling by each slice's max |h|.
const meanAbs = (x: tf.Tensor2D, axis: SliceAxis) => tf.mean(tf.abs(x), axis) as tf.Tensor1D;

function run(h: number[][], axis: SliceAxis, tol: number, score = meanAbs): number[] {
  const t = tf.tensor2d(h);
  const out = tf.tidy(() => scoreSlices(t, axis, tol, score));
  t.dispose();
  return out;
}

describe("meanOfDefined", () => {
  it("averages the non-NaN entries and is NaN when there are none", () => {
    expect(meanOfDefined([1, NaN, 3])).toBe(2);
    expect(meanOfDefined([0.5])).toBe(0.5);
    expect(meanOfDefined([NaN, NaN])).toBeNaN();
    expect(meanOfDefined([])).toBeNaN();
  });
});

describe("scoreSlices", () => {
  const h = [
    [2, -4, 0],
    [0, 0, 0],
    [1e-3, 0, 1e-3],
  ];

  it("scales each row by its max |h| and marks silent rows NaN", () => {
    const rows = run(h, 1, 0);
    expect(rows[0]).toBeCloseTo((0.5 + 1 + 0) / 3, 6);
    expect(rows[1]).toBeNaN();
    expect(rows[2]).toBeCloseTo(2 / 3, 6);
  });

  it("works per column on axis 0", () => {
    const cols = run(h, 0, 0);
    expect(cols[0]).toBeCloseTo((1 + 0 + 5e-4) / 3, 6);
    expect(cols[1]).toBeCloseTo(1 / 3, 6);
    expect(cols[2]).toBeCloseTo(1 / 3, 6);
  });

  it("treats slices whose entries are all <= tol as silent", () => {
    const rows = run(h, 1, 1e-2);
    expect(Number.isNaN(rows[0])).toBe(false);
    expect(rows[1]).toBeNaN();
    expect(rows[2]).toBeNaN();
    expect(run(h, 0, 4).every(Number.isNaN)).toBe(true);
  });

  it("clips scores to [0, 1]", () => {
    const shifted = (x: tf.Tensor2D, axis: SliceAxis) => tf.sub(tf.mean(x, axis), 0.5) as tf.Tensor1D;
    // row means of scaled rows: 1 -> 0.5; -1 -> -1.5 (clipped to 0)
    expect(run([[3, 3], [-2, -2]], 1, 0, shifted)).toEqual([0.5, 0]);
    const doubled = (x: tf.Tensor2D, axis: SliceAxis) => tf.mul(tf.mean(x, axis), 2) as tf.Tensor1D;
    expect(run([[3, 3]], 1, 0, doubled)).toEqual([1]);
  });

  it("leaks no tensors", () => {
    const t = tf.tensor2d(h);
    const before = tf.memory().numTensors;
    tf.tidy(() => scoreSlices(t, 1, 0, meanAbs));
    scoreSlices(t, 0, 0, meanAbs);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
