import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { logSoftmaxAlong } from "../../src/objectives/logSoftmaxAlong.js";

describe("logSoftmaxAlong", () => {
  it("is ln softmax along either axis", () => {
    const z = tf.tensor2d([[0.3, -1.2, 2.0], [1.0, 0.5, -0.4]]);
    for (const axis of [0, 1]) {
      const e = z.arraySync().map((r) => r.map(Math.exp));
      const got = logSoftmaxAlong(z, axis).arraySync() as number[][];
      got.forEach((row, i) =>
        row.forEach((v, j) => {
          const sum = axis === 1 ? e[i]!.reduce((a, b) => a + b, 0) : e.reduce((a, r) => a + r[j]!, 0);
          expect(v).toBeCloseTo(Math.log(e[i]![j]! / sum), 5);
        }),
      );
    }
    z.dispose();
  });
  it("stays exact for logits near 1e4 (the max is never added back)", () => {
    const got = Array.from(logSoftmaxAlong(tf.tensor2d([[1e4, 1e4 - 1]]), 1).dataSync());
    expect(got[0]).toBeCloseTo(-Math.log(1 + Math.exp(-1)), 6);
    expect(got[1]).toBeCloseTo(-1 - Math.log(1 + Math.exp(-1)), 6);
  });
});
