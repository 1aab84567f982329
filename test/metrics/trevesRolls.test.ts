import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { trevesRolls } from "../../src/metrics/trevesRolls.js";

function tr(h: number[][], axis: 0 | 1): number[] {
  return tf.tidy(() => Array.from(trevesRolls(tf.tensor2d(h), axis).dataSync()));
}

describe("trevesRolls", () => {
  it("gives 1 - (mean x)^2 / mean(x^2) per row (axis 1), by hand", () => {
    const [oneHot, constant, mixed, signed] = tr([[0, 1, 0, 0], [2, 2, 2, 2], [2, 0, 1, 0], [1, -1, 1, -1]], 1);
    expect(oneHot).toBeCloseTo(1 - 1 / 4, 6); // m = 1/4, q = 1/4
    expect(constant).toBeCloseTo(0, 6);
    expect(mixed).toBeCloseTo(1 - (3 / 4) ** 2 / (5 / 4), 6); // 11/20
    expect(signed).toBeCloseTo(1, 6); // mean 0
  });

  it("gives the same values per column (axis 0) on the transpose", () => {
    const h = [[2, 0, 1], [0, 0, 3], [1, 5, 1]];
    const ht = h[0].map((_, k) => h.map((row) => row[k]));
    const cols = tr(h, 0);
    const rows = tr(ht, 1);
    cols.forEach((v, k) => expect(v).toBeCloseTo(rows[k], 6));
    expect(cols[1]).toBeCloseTo(1 - 1 / 3, 6); // one active sample of 3
  });

  it("is 0/0 = NaN for an all-zero slice (callers mask it)", () => {
    expect(tr([[0, 0]], 1)[0]).toBeNaN();
  });
});
