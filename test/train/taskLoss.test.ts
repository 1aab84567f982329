import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { checkTargets, resolveTaskLoss, TASK_LOSSES } from "../../src/train/taskLoss.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("task losses", () => {
  const x = tf.randomNormal([12, 4], 0, 1, "float32", 1);

  it("match what tfjs-layers' compile() + evaluate() computes", () => {
    const labels = tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2], "int32");
    const cases: [string, number, string, tf.Tensor][] = [
      ["categoricalCrossentropy", 3, "softmax", tf.oneHot(labels, 3)],
      ["sparseCategoricalCrossentropy", 3, "softmax", labels],
      ["binaryCrossentropy", 2, "sigmoid", tf.tensor2d(Array.from({ length: 24 }, (_, i) => i % 3 === 0 ? 1 : 0), [12, 2])],
      ["meanSquaredError", 2, "linear", tf.randomNormal([12, 2], 0, 1, "float32", 2)],
    ];
    for (const [name, units, activation, y] of cases) {
      const model = tf.sequential({ layers: [tf.layers.dense({ units, inputShape: [4], activation: activation as "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })] });
      model.compile({ optimizer: "sgd", loss: name });
      const reference = (model.evaluate(x, name === "sparseCategoricalCrossentropy" ? tf.cast(labels, "float32") : y) as tf.Scalar).dataSync()[0];
      const mine = resolveTaskLoss(name as (typeof TASK_LOSSES)[number], "t").fn(y, model.predict(x) as tf.Tensor).dataSync()[0];
      expect(mine).toBeCloseTo(reference, 5);
    }
  });

  it("computes accuracy for the classification losses", () => {
    const p = tf.tensor2d([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]]);
    const labels = tf.tensor1d([0, 1, 1, 0]);
    expect(resolveTaskLoss("sparseCategoricalCrossentropy", "t").accuracy!(labels, p).dataSync()[0]).toBeCloseTo(0.75, 6);
    expect(resolveTaskLoss("categoricalCrossentropy", "t").accuracy!(tf.oneHot(tf.cast(labels, "int32"), 3), p).dataSync()[0]).toBeCloseTo(0.75, 6);
    expect(resolveTaskLoss("binaryCrossentropy", "t").accuracy!(tf.tensor2d([[1], [0], [1]]), tf.tensor2d([[0.9], [0.6], [0.2]])).dataSync()[0]).toBeCloseTo(1 / 3, 6);
    expect(resolveTaskLoss("meanSquaredError", "t").accuracy).toBeUndefined();
  });

  it("averages a custom function's per-sample output and checks it returns a tensor", () => {
    const custom = resolveTaskLoss((t, q) => tf.sum(tf.abs(tf.sub(t, q)), -1), "fitSparse");
    expect(custom.fn(tf.tensor2d([[1, 1], [0, 0]]), tf.tensor2d([[0, 0], [0, 1]])).dataSync()[0]).toBeCloseTo(1.5, 6);
    const bad = resolveTaskLoss(() => 3 as unknown as tf.Tensor, "fitSparse");
    expect(() => bad.fn(tf.zeros([1]), tf.zeros([1]))).toThrow(/fitSparse: the custom loss function must return a tf.Tensor, got number/);
    expect(() => resolveTaskLoss("hinge" as never, "fitSparse")).toThrow(/fitSparse: option 'loss' must be one of "categoricalCrossentropy"/);
  });

  it("checks target shapes and label ranges against the model output", () => {
    const cce = resolveTaskLoss("categoricalCrossentropy", "f");
    expect(() => checkTargets(cce, tf.zeros([5, 3]), [null, 3], "f", "y")).not.toThrow();
    expect(() => checkTargets(cce, tf.zeros([5]), [null, 3], "f", "y")).toThrow(/f: argument 'y' must have shape \[5, 3\] to match the model output for categoricalCrossentropy, got \[5\]/);
    const scce = resolveTaskLoss("sparseCategoricalCrossentropy", "f");
    expect(() => checkTargets(scce, tf.tensor1d([0, 2]), [null, 3], "f", "y")).not.toThrow();
    expect(() => checkTargets(scce, tf.tensor2d([[0], [2]]), [null, 3], "f", "y")).not.toThrow();
    expect(() => checkTargets(scce, tf.tensor1d([0, 1.5]), [null, 3], "f", "y")).toThrow(/some not integers/);
    expect(() => checkTargets(scce, tf.tensor1d([-1, 1]), [null, 3], "f", "y")).toThrow(/integer labels in \[0, 2\], got values in \[-1, 1\]/);
    expect(() => checkTargets(scce, tf.zeros([2, 3]), [null, 3], "f", "y")).toThrow(/shape \[B\] or \[B, 1\]/);
  });
});
