import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { HierarchicalSparseCoder } from "../../src/coding/HierarchicalSparseCoder.js";
import { logScaleNll } from "../../src/coding/logScaleNll.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

/** Codes whose atoms 0-3 and 4-7 switch their scale together (two groups), Laplacian given the scale. */
function groupedCodes(n: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const on = tf.cast(tf.less(tf.randomUniform([n, 2], 0, 1, "float32", seed), 0.3), "float32");
    const scale = tf.exp(tf.mul(2, tf.concat([tf.tile(on.slice([0, 0], [n, 1]), [1, 4]), tf.tile(on.slice([0, 1], [n, 1]), [1, 4])], 1)));
    const e = tf.neg(tf.log(tf.randomUniform([n, 8], 1e-6, 1, "float32", seed + 1)));
    return tf.mul(tf.mul(e, scale), 0.1) as tf.Tensor2D;
  });
}

describe("HierarchicalSparseCoder", () => {
  it("learns the two variance groups and beats independent scales on held-out codes", () => {
    const coder = HierarchicalSparseCoder.create({ atoms: 8, units: 2, lambda: 0.5, floor: 0.01, learningRate: 0.3, inferenceIterations: 20, seed: 3 });
    const aTrain = groupedCodes(600, 1);
    const aTest = groupedCodes(300, 7);
    const mTrain = coder.magnitudes(aTrain);
    const mTest = coder.magnitudes(aTest);
    const base = coder.fitBias(mTrain);
    const records = coder.fit(mTrain, { steps: 300, batchSize: 100 });
    expect(records).toHaveLength(300);
    expect(records[299]!.energy).toBeLessThan(records[0]!.energy);
    const { codes } = coder.encode(mTest, { iterations: 100 });
    const nll1 = tf.tidy(() => tf.mean(logScaleNll(mTest, tf.add(tf.zerosLike(mTest), base) as tf.Tensor2D)).dataSync()[0]!);
    const nll2 = tf.tidy(() => tf.mean(coder.nll(mTest, codes)).dataSync()[0]!);
    expect(nll2).toBeLessThan(nll1 - 1);
    // Each column of B puts its weight on one group (sparse c separates them; early on B holds their sum and difference).
    const B = coder.basis.arraySync();
    for (let j = 0; j < 2; j++) {
      const g1 = Math.abs(B.slice(0, 4).reduce((s, r) => s + r[j]!, 0));
      const g2 = Math.abs(B.slice(4).reduce((s, r) => s + r[j]!, 0));
      expect(Math.max(g1, g2)).toBeGreaterThan(3 * Math.min(g1, g2));
    }
    // columns stay unit norm
    for (let j = 0; j < 2; j++) expect(Math.hypot(...B.map((r) => r[j]!))).toBeCloseTo(1, 4);
    tf.dispose([aTrain, aTest, mTrain, mTest, base, codes]);
    coder.dispose();
  });

  it("validates its config and inputs", () => {
    expect(() => HierarchicalSparseCoder.create({ atoms: 4, units: 2, lambda: 0.1, floor: 0 })).toThrow(/floor/);
    expect(() => HierarchicalSparseCoder.create({ atoms: 4, units: 2, lambda: 0.1, floor: 0.1, rate: 1 } as never)).toThrow(/rate/);
    const c = HierarchicalSparseCoder.create({ atoms: 4, units: 2, lambda: 0.1, floor: 0.1 });
    const a = tf.ones([2, 3]) as tf.Tensor2D;
    expect(() => c.magnitudes(a)).toThrow(/N x 4/);
    a.dispose();
    c.dispose();
  });
});
