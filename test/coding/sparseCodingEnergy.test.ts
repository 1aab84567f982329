import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { sparseCodingEnergy } from "../../src/coding/sparseCodingEnergy.js";

describe("sparseCodingEnergy", () => {
  const phi = tf.tensor2d([[1, 0], [0, 1], [0, 0]]);
  const x = tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
  const a = tf.tensor2d([[1, -1], [0, 0]]);

  it("L1 form: batch mean of 1/2 ||x - Phi a||^2 + lambda ||a||_1", () => {
    // sample 0: residual [0, 3, 3] -> 9; |a| = 2 -> 9 + 0.5*2 = 10; sample 1: 0 -> mean 5
    expect(sparseCodingEnergy(x, phi, a, 0.5).dataSync()[0]).toBeCloseTo(5, 6);
  });

  it("L0 form counts non-zeros with weight lambda^2 / 2", () => {
    // 9 + (0.25 / 2) * 2 = 9.25 -> mean 4.625
    expect(sparseCodingEnergy(x, phi, a, 0.5, "l0").dataSync()[0]).toBeCloseTo(4.625, 6);
  });
});
