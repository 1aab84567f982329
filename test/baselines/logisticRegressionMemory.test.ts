import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { LogisticRegression } from "../../src/baselines/logisticRegression.js";
import { blobs } from "./blobs.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("LogisticRegression memory", () => {
  it.each(["lbfgs", "adam"] as const)("%s: fit, refit, predict and dispose leave tf.memory().numTensors where it started", (solver) => {
    const { data, labels, n, d } = blobs([[0, 0, 0], [5, 0, 0], [0, 5, 0]], 20, 0.7, 2);
    const x = tf.tensor2d(data, [n, d]);
    const start = tf.memory().numTensors;
    const lr = new LogisticRegression();
    const opts = { solver, maxIterations: 20, epochs: 2, batchSize: 16 };
    lr.fit(x, labels, opts);
    lr.fit(x, labels, { ...opts, standardize: false }); // a refit replaces the previous model
    lr.predict(x);
    lr.accuracy(x, labels);
    tf.dispose([lr.predictProba(x), lr.weights(), lr.bias()]);
    lr.dispose();
    expect(tf.memory().numTensors).toBe(start);
    x.dispose();
  });
});
