import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { whitenedPatches } from "../../src/experiments/whitenedPatches.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("whitenedPatches", () => {
  it("splits seeded, mean-removed patches into train and held-out rows", () => {
    const s = { images: ["black-canyon" as const], imageSize: 64, patchSize: 4, trainPatches: 30, evalPatches: 10, removeMean: true };
    const a = whitenedPatches(s, 1);
    const b = whitenedPatches(s, 1);
    expect(a.trainX.shape).toEqual([30, 16]);
    expect(a.evalX.shape).toEqual([10, 16]);
    expect(Array.from(a.evalX.dataSync())).toEqual(Array.from(b.evalX.dataSync()));
    const rowMeans = tf.mean(a.trainX, 1).dataSync();
    for (const v of rowMeans) expect(Math.abs(v)).toBeLessThan(1e-5);
    tf.dispose([a.trainX, a.evalX, b.trainX, b.evalX]);
  });
});
