import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { dictionaryUpdate, normalizeColumns } from "../../src/coding/dictionaryUpdate.js";

describe("normalizeColumns", () => {
  it("gives every column unit L2 norm and leaves an all-zero column finite", () => {
    const n = Array.from(normalizeColumns(tf.tensor2d([[3, 0], [4, 0]])).dataSync());
    [0.6, 0, 0.8, 0].forEach((v, i) => expect(n[i]).toBeCloseTo(v, 6));
  });
});

describe("dictionaryUpdate", () => {
  it("takes the Hebbian step eta/B (X - A Phi^T)^T A and renormalises", () => {
    const phi = tf.tensor2d([[1, 0], [0, 1]]);
    const x = tf.tensor2d([[1, 1]]);
    const a = tf.tensor2d([[1, 0]]);
    // residual = [0, 1]; step = 0.5 * [[0, 0], [1, 0]] -> column 0 = [1, 0.5] / |.|
    const next = dictionaryUpdate(phi, x, a, 0.5).arraySync();
    expect(next[0]![0]).toBeCloseTo(1 / Math.sqrt(1.25), 6);
    expect(next[1]![0]).toBeCloseTo(0.5 / Math.sqrt(1.25), 6);
    expect(next[0]![1]).toBeCloseTo(0, 6);
    expect(next[1]![1]).toBeCloseTo(1, 6);
  });

  it("moves an atom towards the data it codes (reconstruction error falls)", () => {
    const target = normalizeColumns(tf.tensor2d([[1], [1], [0]]));
    const x = tf.transpose(target) as tf.Tensor2D;
    let phi = normalizeColumns(tf.tensor2d([[1], [0], [0.2]]));
    const err = (p: tf.Tensor2D) => tf.tidy(() => {
      const a = tf.matMul(x, p);
      return tf.sum(tf.square(tf.sub(x, tf.matMul(a, p, false, true)))).dataSync()[0]!;
    });
    const before = err(phi);
    for (let i = 0; i < 20; i++) {
      const a = tf.matMul(x, phi);
      const next = dictionaryUpdate(phi, x, a as tf.Tensor2D, 0.5);
      phi.dispose();
      a.dispose();
      phi = next;
    }
    expect(err(phi)).toBeLessThan(before * 0.05);
  });
});
