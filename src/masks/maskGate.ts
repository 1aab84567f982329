import type * as tf from "@tensorflow/tfjs";
import type { HardConcreteParams } from "../objectives/hardConcreteExpectedL0.js";
import { resolveHardConcreteParams } from "../objectives/hardConcreteExpectedL0.js";
import { assertBooleanOption, assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { gumbelTopKGate } from "./gumbelTopKGate.js";
import { hardConcreteGate } from "./hardConcreteGate.js";
import { hardSigmoidGate } from "./hardSigmoidGate.js";
import { straightThroughGate } from "./straightThroughGate.js";

export const GATE_KINDS = ["hardSigmoid", "straightThrough", "hardConcrete", "gumbelTopK"] as const;
export type GateKind = (typeof GATE_KINDS)[number];

/** Which gate turns mask logits into a mask, with its parameters (plain JSON, stored with a model). */
export type GateSpec =
  | { kind: "hardSigmoid" }
  | { kind: "straightThrough" }
  | ({ kind: "hardConcrete" } & Partial<HardConcreteParams>)
  | { kind: "gumbelTopK"; k: number; temperature?: number; noiseScale?: number; fixedSum?: boolean };

/** Per-call state of a gate: training mode draws noise from `seed` (Hard Concrete, Gumbel top-k). */
export interface GateCallOptions {
  training: boolean;
  /** Integer seed of the step's noise; required when training with a stochastic gate. */
  seed?: number;
}

/** Validates a gate spec (unknown keys, parameter ranges); `pixels` bounds k of Gumbel top-k when known. */
export function checkGateSpec(spec: unknown, where: string, pixels?: number): asserts spec is GateSpec {
  if (spec === null || typeof spec !== "object") {
    throw new SparsekitError(`${where}: option 'gate' must be an object { kind, ... }, got ${String(spec)}.`);
  }
  const s = spec as Record<string, unknown>;
  assertEnumOption(s.kind, where, "gate.kind", GATE_KINDS);
  switch (s.kind) {
    case "hardSigmoid":
    case "straightThrough":
      assertKnownOptions(s, `${where} (gate ${s.kind})`, ["kind"]);
      return;
    case "hardConcrete": {
      const { kind: _k, ...params } = s;
      resolveHardConcreteParams(params as Partial<HardConcreteParams>, `${where} (gate hardConcrete)`);
      return;
    }
    case "gumbelTopK":
      assertKnownOptions(s, `${where} (gate gumbelTopK)`, ["kind", "k", "temperature", "noiseScale", "fixedSum"]);
      assertNumberOption(s.k, where, "gate.k", { integer: true, min: 1, ...(pixels ? { max: pixels } : {}) });
      if (s.temperature !== undefined) assertNumberOption(s.temperature, where, "gate.temperature", { min: 0, exclusiveMin: true });
      if (s.noiseScale !== undefined) assertNumberOption(s.noiseScale, where, "gate.noiseScale", { min: 0 });
      if (s.fixedSum !== undefined) assertBooleanOption(s.fixedSum, where, "gate.fixedSum");
  }
}

/** True when the gate draws noise in training (and so needs a seed per step). */
export function isStochasticGate(spec: GateSpec): boolean {
  return spec.kind === "hardConcrete" || spec.kind === "gumbelTopK";
}

/**
 * Applies the gate named by `spec` to mask logits (SPEC §1.6): hardSigmoidGate,
 * straightThroughGate, hardConcreteGate or gumbelTopKGate (see each for formula and gradient).
 * Deterministic gates ignore `training`/`seed`; stochastic ones draw their noise from `seed` in
 * training and are deterministic at test time.
 *
 * @param logits B x H x W or B x H x W x 1.
 * @returns the mask, same shape, values in [0, 1].
 */
export function applyGate(spec: GateSpec, logits: tf.Tensor, call: GateCallOptions): tf.Tensor {
  switch (spec.kind) {
    case "hardSigmoid":
      return hardSigmoidGate(logits);
    case "straightThrough":
      return straightThroughGate(logits);
    case "hardConcrete": {
      const { kind: _k, ...params } = spec;
      return hardConcreteGate(logits, { ...params, training: call.training, ...(call.training ? { seed: call.seed } : {}) });
    }
    case "gumbelTopK":
      return gumbelTopKGate(logits, {
        k: spec.k,
        ...(spec.temperature !== undefined ? { temperature: spec.temperature } : {}),
        ...(spec.noiseScale !== undefined ? { noiseScale: spec.noiseScale } : {}),
        ...(spec.fixedSum !== undefined ? { fixedSum: spec.fixedSum } : {}),
        training: call.training,
        ...(call.training ? { seed: call.seed } : {}),
      });
    default:
      throw new SparsekitError(`applyGate: option 'spec.kind' must be one of ${GATE_KINDS.join(", ")}, got ${String((spec as { kind: unknown }).kind)}.`);
  }
}
