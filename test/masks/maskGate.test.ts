import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { applyGate, checkGateSpec, GATE_KINDS, isStochasticGate } from "../../src/masks/maskGate.js";
import { gumbelTopKGate } from "../../src/masks/gumbelTopKGate.js";
import { hardConcreteGate } from "../../src/masks/hardConcreteGate.js";
import { hardSigmoidGate } from "../../src/masks/hardSigmoidGate.js";
import { straightThroughGate } from "../../src/masks/straightThroughGate.js";

const logits = () => tf.tensor4d([-3, -0.5, 0.2, 2.7, 1, -1, 0, 4], [2, 2, 2, 1]);
const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe("applyGate", () => {
  it("dispatches to each gate with the call's training mode and seed", () => {
    const m = logits();
    expect(values(applyGate({ kind: "hardSigmoid" }, m, { training: true, seed: 1 }))).toEqual(values(hardSigmoidGate(m)));
    expect(values(applyGate({ kind: "straightThrough" }, m, { training: false }))).toEqual(values(straightThroughGate(m)));
    expect(values(applyGate({ kind: "hardConcrete", beta: 0.5 }, m, { training: true, seed: 9 }))).toEqual(
      values(hardConcreteGate(m, { beta: 0.5, training: true, seed: 9 })),
    );
    expect(values(applyGate({ kind: "hardConcrete" }, m, { training: false, seed: 9 }))).toEqual(values(hardConcreteGate(m)));
    expect(values(applyGate({ kind: "gumbelTopK", k: 2, temperature: 2, noiseScale: 3, fixedSum: true }, m, { training: true, seed: 4 }))).toEqual(
      values(gumbelTopKGate(m, { k: 2, temperature: 2, noiseScale: 3, fixedSum: true, training: true, seed: 4 })),
    );
  });

  it("knows which gates are stochastic", () => {
    expect(GATE_KINDS.filter((kind) => isStochasticGate(kind === "gumbelTopK" ? { kind, k: 1 } : ({ kind } as never)))).toEqual(["hardConcrete", "gumbelTopK"]);
  });

  it("checkGateSpec validates kind, keys and parameters", () => {
    expect(() => checkGateSpec({ kind: "sigmoid" }, "f")).toThrow(/f: option 'gate.kind' must be one of "hardSigmoid"/);
    expect(() => checkGateSpec(null, "f")).toThrow(/option 'gate' must be an object/);
    expect(() => checkGateSpec({ kind: "straightThrough", k: 3 }, "f")).toThrow(/unknown option 'k'/);
    expect(() => checkGateSpec({ kind: "hardConcrete", gamma: 0.1 }, "f")).toThrow(/option 'gamma'/);
    expect(() => checkGateSpec({ kind: "gumbelTopK" }, "f")).toThrow(/option 'gate.k' must be an integer/);
    expect(() => checkGateSpec({ kind: "gumbelTopK", k: 10 }, "f", 9)).toThrow(/<= 9/);
    expect(() => checkGateSpec({ kind: "gumbelTopK", k: 3, temperature: -1 }, "f")).toThrow(/gate.temperature/);
    expect(() => checkGateSpec({ kind: "gumbelTopK", k: 3, noiseScale: -1 }, "f")).toThrow(/gate.noiseScale/);
    expect(() => checkGateSpec({ kind: "gumbelTopK", k: 3, fixedSum: "yes" } as never, "f")).toThrow(/gate.fixedSum/);
    expect(() => checkGateSpec({ kind: "gumbelTopK", k: 3, temperature: 0.5 }, "f", 9)).not.toThrow();
  });
});
