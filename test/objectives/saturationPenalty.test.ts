import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { saturationPenalty, type SaturatingActivation } from "../../src/objectives/saturationPenalty.js";
import { checkGradient } from "../../src/verify/gradientCheck.js";

// Independent scalar definitions of f_c (SPEC §1.3).
const fcRef: Record<SaturatingActivation, (z: number) => number> = {
  relu: (z) => Math.max(z, 0),
  satlin: (z) => (z >= 0 && z <= 1 ? Math.min(z, 1 - z) : 0),
  hardtanh: (z) => (z >= -1 && z <= 1 ? Math.min(z + 1, 1 - z) : 0),
};
// Corners of each f_c, which finite differences must stay away from.
const kinks: Record<SaturatingActivation, number[]> = { relu: [0], satlin: [0, 0.5, 1], hardtanh: [-1, 0, 1] };

describe("saturationPenalty", () => {
  it("gives the complementary function at hand-picked points", () => {
    const z = [[-2, -0.5, 0.2, 0.5, 0.7, 1.5]];
    const cases: Record<SaturatingActivation, number> = {
      relu: 0 + 0 + 0.2 + 0.5 + 0.7 + 1.5,
      satlin: 0 + 0 + 0.2 + 0.5 + 0.3 + 0,
      hardtanh: 0 + 0.5 + 0.8 + 0.5 + 0.3 + 0,
    };
    const t = tf.tensor2d(z);
    for (const [activation, expected] of Object.entries(cases) as [SaturatingActivation, number][]) {
      const v = saturationPenalty(t, { activation });
      expect(v.dataSync()[0]).toBeCloseTo(expected, 5);
      expect(z[0].reduce((a, x) => a + fcRef[activation](x), 0)).toBeCloseTo(expected, 10);
      v.dispose();
    }
    t.dispose();
  });

  it("averages over the batch and sums over all other positions (conv input)", () => {
    const rng = seedrandom("sat-conv");
    const shape = [3, 2, 2, 4];
    const vals = Array.from({ length: 48 }, () => 4 * rng() - 2);
    const z = tf.tensor4d(vals, shape as [number, number, number, number]);
    for (const activation of ["relu", "satlin", "hardtanh"] as const) {
      const v = saturationPenalty(z, { activation });
      const expected = vals.reduce((a, x) => a + fcRef[activation](x), 0) / 3;
      expect(v.dataSync()[0]).toBeCloseTo(expected, 4);
      v.dispose();
    }
    z.dispose();
  });

  it("has zero gradient in saturated regions and slope +-1/B elsewhere", () => {
    const z = tf.tensor2d([
      [-3, -1.5, -0.5, 0.2, 0.7, 1.5],
      [-0.2, 0.3, 0.6, 0.9, 2.0, -2.0],
    ]);
    const zs = z.arraySync() as number[][];
    const expectedSlope: Record<SaturatingActivation, (x: number) => number> = {
      relu: (x) => (x > 0 ? 1 : 0),
      satlin: (x) => (x > 0 && x < 0.5 ? 1 : x > 0.5 && x < 1 ? -1 : 0),
      hardtanh: (x) => (x > -1 && x < 0 ? 1 : x > 0 && x < 1 ? -1 : 0),
    };
    for (const activation of ["relu", "satlin", "hardtanh"] as const) {
      const g = tf.grad((x: tf.Tensor) => saturationPenalty(x, { activation }))(z);
      const got = g.arraySync() as number[][];
      zs.forEach((row, b) => row.forEach((x, j) => expect(got[b][j]).toBeCloseTo(expectedSlope[activation](x) / 2, 6)));
      g.dispose();
    }
    z.dispose();
  });

  it("matches central finite differences away from the corners", () => {
    const rng = seedrandom("sat-fd");
    for (const activation of ["relu", "satlin", "hardtanh"] as const) {
      const vals: number[] = [];
      while (vals.length < 24) {
        const x = 3 * rng() - 1.5;
        if (kinks[activation].every((k) => Math.abs(x - k) > 0.05)) vals.push(x);
      }
      const z = tf.tensor3d(vals, [2, 3, 4]);
      const r = checkGradient((x) => saturationPenalty(x, { activation }), z, { eps: 1e-2 });
      expect(r.relativeError).toBeLessThan(1e-3);
      z.dispose();
    }
  });

  it("rejects bad input with a message naming the argument and the expectation", () => {
    const ok = tf.ones([2, 3]);
    expect(() => saturationPenalty(tf.ones([3]), { activation: "relu" })).toThrow(
      /saturationPenalty: argument 'z' must be a tensor of rank >= 2 \(batch first.*got rank 1 with shape \[3\]/,
    );
    expect(() => saturationPenalty(tf.ones([0, 3]), { activation: "relu" })).toThrow(/argument 'z' must be a non-empty batch/);
    expect(() => saturationPenalty(tf.tensor2d([[NaN, 1]]), { activation: "relu" })).toThrow(/argument 'z' must be finite everywhere, got 1 NaN/);
    expect(() => saturationPenalty(tf.tensor2d([[Infinity, 1]]), { activation: "relu" })).toThrow(/1 infinite/);
    expect(() => saturationPenalty(ok, { activation: "sigmoid" } as never)).toThrow(
      /option 'activation' must be one of "relu", "satlin", "hardtanh", got "sigmoid"/,
    );
    expect(() => saturationPenalty(ok, {} as never)).toThrow(/option 'activation' must be one of .*got undefined/);
    expect(() => saturationPenalty(ok, { activation: "relu", alpha: 1 } as never)).toThrow(/unknown option 'alpha'; known options: activation/);
    ok.dispose();
  });

  it("leaks no tensors, value or gradient", () => {
    const z = tf.tensor2d([[-1, 0.3, 2]]);
    const before = tf.memory().numTensors;
    saturationPenalty(z, { activation: "hardtanh" }).dispose();
    tf.grad((x: tf.Tensor) => saturationPenalty(x, { activation: "satlin" }))(z).dispose();
    expect(tf.memory().numTensors).toBe(before);
    z.dispose();
  });
});
