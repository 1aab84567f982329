import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { normalizeColumns } from "../../src/coding/dictionaryUpdate.js";
import { lcaInference } from "../../src/coding/lcaInference.js";
import { softThreshold } from "../../src/coding/threshold.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const phi = () => normalizeColumns(tf.randomNormal([32, 64], 0, 1, "float32", 11));
const data = () => tf.randomNormal([16, 32], 0, 1, "float32", 12) as tf.Tensor2D;

describe("lcaInference", () => {
  it("soft threshold: the energy never rises along the dynamics (float32 tolerance)", () => {
    const r = lcaInference(data(), phi(), { lambda: 0.5, iterations: 150, recordEnergy: true });
    const e = r.energy!;
    expect(e).toHaveLength(150);
    for (let i = 1; i < e.length; i++) expect(e[i]!).toBeLessThanOrEqual(e[i - 1]! * (1 + 1e-5));
    expect(e[e.length - 1]!).toBeLessThan(e[0]! * 0.9);
  });

  it("codes are exactly sparse and equal the threshold of the potentials", () => {
    const r = lcaInference(data(), phi(), { lambda: 1, iterations: 100 });
    const codes = r.codes.dataSync();
    const zeros = codes.filter((v) => v === 0).length / codes.length;
    expect(zeros).toBeGreaterThan(0.3);
    expect(Array.from(codes)).toEqual(Array.from(softThreshold(r.u, 1).dataSync()));
  });

  it("with Phi = I the fixed point is softThreshold(x)", () => {
    const x = tf.tensor2d([[2, -0.3, 0.7, -1.5]]);
    const r = lcaInference(x, tf.eye(4) as tf.Tensor2D, { lambda: 0.5, iterations: 300 });
    const want = [1.5, 0, 0.2, -1];
    Array.from(r.codes.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
  });

  it("hard threshold records the L0 energy and keeps surviving values unshrunk", () => {
    const x = tf.tensor2d([[2, -0.3, 0.7, -1.5]]);
    const r = lcaInference(x, tf.eye(4) as tf.Tensor2D, { lambda: 0.5, iterations: 300, threshold: "hard", recordEnergy: true });
    const want = [2, 0, 0.7, -1.5];
    Array.from(r.codes.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
    // residual 0.3^2 / 2 + (0.25 / 2) * 3
    expect(r.energy![r.energy!.length - 1]).toBeCloseTo(0.045 + 0.375, 4);
  });

  it("continues from initialU (two halves equal one run)", () => {
    const x = data();
    const p = phi();
    const whole = lcaInference(x, p, { lambda: 0.5, iterations: 40 });
    const first = lcaInference(x, p, { lambda: 0.5, iterations: 20 });
    const second = lcaInference(x, p, { lambda: 0.5, iterations: 20, initialU: first.u });
    const a = whole.codes.dataSync();
    const b = second.codes.dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
  });

  it("does not leak tensors", () => {
    const x = data();
    const p = phi();
    const before = tf.memory().numTensors;
    const r = lcaInference(x, p, { lambda: 0.5, iterations: 10, recordEnergy: true });
    r.codes.dispose();
    r.u.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects bad input with a message naming it", () => {
    const x = data();
    const p = phi();
    expect(() => lcaInference(x, tf.zeros([31, 64]) as tf.Tensor2D, { lambda: 1 })).toThrow(/'phi' must have as many rows/);
    expect(() => lcaInference(x, p, { lambda: -1 })).toThrow(/option 'lambda'/);
    expect(() => lcaInference(x, p, { lambda: 1, tau: 0.5 })).toThrow(/option 'tau'/);
    expect(() => lcaInference(x, p, { lambda: 1, iterations: 0 })).toThrow(/option 'iterations'/);
    expect(() => lcaInference(x, p, { lambda: 1, threshold: "firm" as never })).toThrow(/option 'threshold'/);
    expect(() => lcaInference(x, p, { lambda: 1, lamda: 2 } as never)).toThrow(/unknown option 'lamda'/);
    expect(() => lcaInference(x, p, { lambda: 1, initialU: tf.zeros([2, 2]) as tf.Tensor2D })).toThrow(/'initialU' must have shape \[16, 64\]/);
    expect(() => lcaInference(x, p, undefined as never)).toThrow(SparsekitError);
    const bad = tf.tensor2d([[1, Number.NaN]]);
    expect(() => lcaInference(bad, tf.eye(2) as tf.Tensor2D, { lambda: 1 })).toThrow(/lcaInference: argument 'x'/);
    expect(() => lcaInference(tf.zeros([3]) as never, p, { lambda: 1 })).toThrow(/lcaInference: argument 'x'/);
  });
});
