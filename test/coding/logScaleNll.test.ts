import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { logScaleNll } from "../../src/coding/logScaleNll.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("logScaleNll", () => {
  it("is sum_i m_i / sigma_i + log sigma_i per row, minimised at sigma = m", () => {
    const m = tf.tensor2d([[1, 2], [0.5, 0.5]]);
    const s = tf.tensor2d([[0, Math.log(2)], [Math.log(0.5), 0]]);
    const v = logScaleNll(m, s).arraySync();
    expect(v[0]).toBeCloseTo(1 + 0 + 1 + Math.log(2), 5);
    expect(v[1]).toBeCloseTo(1 + Math.log(0.5) + 0.5, 5);
    const better = logScaleNll(m, tf.log(m) as tf.Tensor2D).arraySync();
    const worse = logScaleNll(m, tf.add(tf.log(m), 0.3) as tf.Tensor2D).arraySync();
    expect(better[0]!).toBeLessThan(worse[0]!);
    tf.dispose([m, s]);
  });
});
