import type * as tf from "@tensorflow/tfjs";
import { assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { corruptInput, CORRUPTION_KINDS, type CorruptionKind } from "./corruptInput.js";

/** Input corruption used in training only (denoising autoencoder); `level` 0 = none. */
export interface DenoisingSpec {
  kind: CorruptionKind;
  level: number;
}

/** Checks a `denoising` option: null (none) or { kind: "gaussian" | "masking", level }. */
export function checkDenoising(value: unknown, where: string): DenoisingSpec | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "object") {
    throw new SparsekitError(`${where}: option 'denoising' must be null or { kind, level }, got ${typeof value}.`);
  }
  const d = value as DenoisingSpec;
  assertKnownOptions(d, where, ["kind", "level"]);
  assertEnumOption(d.kind, where, "denoising.kind", CORRUPTION_KINDS);
  if (d.kind === "masking") assertNumberOption(d.level, where, "denoising.level", { min: 0, max: 1, exclusiveMax: true });
  else assertNumberOption(d.level, where, "denoising.level", { min: 0 });
  return { kind: d.kind, level: d.level };
}

/** Corrupts a training batch when denoising is on and a noise seed is given; else returns x itself. */
export function maybeCorrupt(x: tf.Tensor, denoising: DenoisingSpec | null, noiseSeed: number | undefined): tf.Tensor {
  if (!denoising || denoising.level === 0 || noiseSeed === undefined) return x;
  return corruptInput(x, { kind: denoising.kind, level: denoising.level, seed: noiseSeed });
}
