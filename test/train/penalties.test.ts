import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { penaltyInput, resolvePenalties } from "../../src/train/penalties.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function convModel(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 1] });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3, name: "conv" }).apply(input) as tf.SymbolicTensor;
  const act = tf.layers.activation({ activation: "relu", name: "act" }).apply(conv) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: "flat" }).apply(act) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: "softmax", name: "out" }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe("resolvePenalties", () => {
  it("binds specs to layers and registry objectives, with default term names", () => {
    const model = convModel();
    const resolved = resolvePenalties(
      model,
      [
        { layer: "act", objective: "l1", weight: 0.1 },
        { layer: "conv", objective: "saturation", weight: 0.2, options: { activation: "relu" } },
        { layer: "act", objective: "ovr", weight: 0, options: { reduction: "mean" }, name: "overlap" },
      ],
      "test",
    );
    expect(resolved.map((p) => p.name)).toEqual(["act/l1", "conv/saturation", "overlap"]);
    expect(resolved.map((p) => p.layer.name)).toEqual(["act", "conv", "act"]);
    expect(resolved[1].objective.input).toBe("preactivations");
    expect(resolved[2].options).toEqual({ reduction: "mean" });
    expect(resolvePenalties(model, undefined, "test")).toEqual([]);
  });

  it("flattens feature maps for code objectives only", () => {
    const model = convModel();
    const [l1, sat] = resolvePenalties(
      model,
      [
        { layer: "act", objective: "l1", weight: 1 },
        { layer: "conv", objective: "saturation", weight: 1, options: { activation: "relu" } },
      ],
      "test",
    );
    const maps = tf.ones([3, 4, 4, 2]);
    expect(penaltyInput(l1, maps).shape).toEqual([3, 32]);
    expect(penaltyInput(sat, maps).shape).toEqual([3, 4, 4, 2]);
    expect(penaltyInput(l1, tf.ones([3, 5])).shape).toEqual([3, 5]);
  });

  it("names the penalty and lists alternatives in its errors", () => {
    const model = convModel();
    expect(() => resolvePenalties(model, [{ layer: "dense", objective: "l1", weight: 1 }], "f")).toThrow(
      /^f: penalty \[0\] \(dense\/l1\): layer 'dense' is not in the model; its layers are: input\d+, conv, act, flat, out\.$/,
    );
    expect(() => resolvePenalties(model, [{ layer: "act", objective: "L1", weight: 1 }], "f")).toThrow(/unknown objective "L1"; known objectives: l1, kl/);
    expect(() => resolvePenalties(model, [{ layer: "act", objective: "l1", weight: Number.NaN }], "f")).toThrow(/\[0\]\.weight/);
    expect(() => resolvePenalties(model, [{ layer: "act", objective: "l1", weight: 1, name: "task" }], "f")).toThrow(/'task' is reserved/);
    expect(() => resolvePenalties(model, [{ layer: "act", objective: "kl", weight: 1, options: { rho: "0.05" } }], "f")).toThrow(/option 'rho' must be a finite number, got "0.05"/);
    expect(() => resolvePenalties(model, [{ layer: "act", objective: "ovr", weight: 1, options: { normalize: 1 } }], "f")).toThrow(/option 'normalize' must be a boolean/);
    expect(() => resolvePenalties(model, [{ layer: "act", objective: "l1", weight: 1, options: { k: 2 } }], "f")).toThrow(/unknown option 'k' for objective "l1"; known options: \(none\)/);
  });
});
