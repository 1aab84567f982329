import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { completeOptimizerSpec, createOptimizer, isOptimizer, optimizerSpecOf, parseOptimizerSpec } from "../../src/train/optimizer.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("createOptimizer", () => {
  it("builds the tfjs optimizers with the given settings", () => {
    const adam = createOptimizer({ name: "adam", learningRate: 0.01, beta1: 0.8 });
    expect(adam.getClassName()).toBe("Adam");
    expect(adam.getConfig()).toMatchObject({ learningRate: 0.01, beta1: 0.8, beta2: 0.999 });
    expect(createOptimizer({ name: "sgd", learningRate: 0.1 }).getClassName()).toBe("SGD");
    expect(createOptimizer({ name: "momentum", learningRate: 0.1, momentum: 0.9, useNesterov: true }).getConfig()).toEqual({ learningRate: 0.1, momentum: 0.9, useNesterov: true });
    expect(createOptimizer({ name: "rmsprop", learningRate: 0.1, centered: true }).getConfig()).toMatchObject({ decay: 0.9, momentum: 0, centered: true });
  });

  it("takes a real step: sgd moves w by -lr * gradient", () => {
    const w = tf.variable(tf.tensor1d([1, -2]), true, "w_opt_sgd");
    createOptimizer({ name: "sgd", learningRate: 0.5 }).minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
    expect(Array.from(w.dataSync())).toEqual([0, 0]); // w - 0.5 * 2w
  });

  it("round-trips specs through optimizerSpecOf, with defaults filled in", () => {
    for (const spec of [
      { name: "adam", learningRate: 0.003 },
      { name: "sgd", learningRate: 0.1 },
      { name: "momentum", learningRate: 0.1, momentum: 0.5 },
      { name: "rmsprop", learningRate: 0.01, decay: 0.8 },
    ] as const) {
      const back = optimizerSpecOf(createOptimizer(spec));
      expect(back).toEqual(completeOptimizerSpec(spec));
      expect(back).toMatchObject(spec);
    }
    expect(completeOptimizerSpec({ name: "adam", learningRate: 1 })).toEqual({ name: "adam", learningRate: 1, beta1: 0.9, beta2: 0.999, epsilon: tf.backend().epsilon() });
  });

  it("rejects bad specs and foreign optimizers with clear messages", () => {
    expect(() => createOptimizer({ name: "adamw", learningRate: 1 } as never)).toThrow(/createOptimizer: argument 'spec' must have 'name' one of "adam", "sgd", "momentum", "rmsprop", got "adamw"/);
    expect(() => createOptimizer({ name: "adam", learningRate: -1 })).toThrow(/createOptimizer: argument 'spec' is invalid: learningRate: .*>=0/);
    expect(() => createOptimizer({ name: "adam", learningRate: 1, beta1: 1 })).toThrow(/beta1/);
    expect(() => createOptimizer({ name: "sgd", learningRate: 1, momentum: 0.9 } as never)).toThrow(/momentum/);
    expect(() => parseOptimizerSpec(undefined, "f", "opt")).toThrow(/f: argument 'opt' must have 'name'/);
    expect(() => optimizerSpecOf(tf.train.adagrad(0.1))).toThrow(/optimizer class 'Adagrad' is not supported/);
    expect(isOptimizer(undefined)).toBe(false);
    expect(isOptimizer(tf.train.sgd(1))).toBe(true);
  });
});
