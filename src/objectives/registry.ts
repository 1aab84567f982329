import type * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { BATCH_TERMS, batchEntropy, type BatchEntropyOptions } from "./batchEntropy.js";
import { klSparsityPenalty, type KlSparsityOptions } from "./klSparsityPenalty.js";
import { l1Penalty } from "./l1Penalty.js";
import { maskArea } from "./maskArea.js";
import { maskBinarization } from "./maskBinarization.js";
import { maskTotalVariation } from "./maskTotalVariation.js";
import { OVR_REDUCTIONS, ovrOverlap, type OvrOptions } from "./ovrOverlap.js";
import { SATURATING_ACTIVATIONS, saturationPenalty, type SaturationOptions } from "./saturationPenalty.js";

/** One option of an objective, described for the CLI and for penalty specs. */
export interface ObjectiveOption {
  name: string;
  type: "number" | "boolean" | "enum";
  /** Allowed values when type is "enum". */
  values?: string[];
  default?: unknown;
  required?: boolean;
  description: string;
}

/** What the objective's tensor argument is: B x K codes, pre-activations, or a B x H x W(x1) mask. */
export type ObjectiveInput = "codes" | "preactivations" | "mask";

export interface ObjectiveEntry {
  name: string;
  /** The objective; options are validated by the objective itself (unknown keys rejected). */
  fn: (x: tf.Tensor, options?: Record<string, unknown>) => tf.Scalar;
  summary: string;
  formula: string;
  spec: string;
  input: ObjectiveInput;
  options: ObjectiveOption[];
}

export const OBJECTIVE_NAMES = [
  "l1",
  "kl",
  "saturation",
  "ovr",
  "batchEntropy",
  "maskArea",
  "maskBinarization",
  "maskTotalVariation",
] as const;
export type ObjectiveName = (typeof OBJECTIVE_NAMES)[number];

type AnyOptions = Record<string, unknown> | undefined;

/** Every scalar objective by name (topK is a transform, not a scalar, so it is not listed). */
export const objectiveRegistry: Readonly<Record<ObjectiveName, ObjectiveEntry>> = Object.freeze({
  l1: {
    name: "l1",
    fn: (x: tf.Tensor, o?: AnyOptions) => l1Penalty(x, o as Record<string, never> | undefined),
    summary: "L1 activity penalty: mean over samples of the summed absolute codes.",
    formula: "l1(H) = (1/B) sum_i sum_k |h_ik|",
    spec: "SPEC §1.1",
    input: "codes",
    options: [],
  },
  kl: {
    name: "kl",
    fn: (x: tf.Tensor, o?: AnyOptions) => klSparsityPenalty(x, o as unknown as KlSparsityOptions),
    summary: "KL divergence between a target sparsity rho and each unit's batch-mean activation (sigmoid codes in [0, 1]).",
    formula:
      "sum_k KL(rho || rho_hat_k), rho_hat_k = clamp(mean_i h_ik, eps, 1-eps), KL(rho||q) = rho log(rho/q) + (1-rho) log((1-rho)/(1-q))",
    spec: "SPEC §1.2, seed 002",
    input: "codes",
    options: [
      { name: "rho", type: "number", required: true, description: "target mean activation per unit, in (0, 1), e.g. 0.05" },
      { name: "eps", type: "number", default: 1e-6, description: "clamp of rho_hat into [eps, 1 - eps], in (0, 0.5)" },
    ],
  },
  saturation: {
    name: "saturation",
    fn: (x: tf.Tensor, o?: AnyOptions) => saturationPenalty(x, o as unknown as SaturationOptions),
    summary: "Saturating regulariser: complementary function of the activation, summed over units and averaged over the batch.",
    formula:
      "(1/B) sum_b sum_j f_c(z_bj); relu: max(z,0); satlin: min(z,1-z) on [0,1] else 0; hardtanh: min(z+1,1-z) on [-1,1] else 0",
    spec: "SPEC §1.3, seed 003",
    input: "preactivations",
    options: [
      {
        name: "activation",
        type: "enum",
        values: [...SATURATING_ACTIVATIONS],
        required: true,
        description: "the layer's activation whose complementary function is penalised",
      },
    ],
  },
  ovr: {
    name: "ovr",
    fn: (x: tf.Tensor, o?: AnyOptions) => ovrOverlap(x, o as OvrOptions | undefined),
    summary: "One-Vs-Rest overlap: summed inner products between the codes of different samples (non-negative codes, B >= 2).",
    formula: "OVR(H) = sum_{i != j} <h_i, h_j> = ||sum_i h_i||^2 - sum_i ||h_i||^2 (mean: / B(B-1))",
    spec: "SPEC §1.4, seed 001",
    input: "codes",
    options: [
      { name: "reduction", type: "enum", values: [...OVR_REDUCTIONS], default: "sum", description: '"sum" over ordered pairs, or "mean" (divided by B(B-1))' },
      { name: "normalize", type: "boolean", default: false, description: "scale rows to unit L2 norm first (cosine overlap)" },
      { name: "eps", type: "number", default: 1e-8, description: "rows are divided by sqrt(||h_i||^2 + eps^2); > 0" },
    ],
  },
  batchEntropy: {
    name: "batchEntropy",
    fn: (x: tf.Tensor, o?: AnyOptions) => batchEntropy(x, o as unknown as BatchEntropyOptions),
    summary: "Batch entropy loss: low entropy of each sample over units, high entropy of unit usage over the batch (B >= 2).",
    formula:
      "perUnit: sum_l H(Q_.l) - lambda sum_i H(P_i.); marginal: mean_l H(Q_.l) - lambda H(mean_l Q_.l); Q = softmax over units, P = softmax over batch, of -beta X, X = h^T",
    spec: "SPEC §1.5, seed 004",
    input: "codes",
    options: [
      { name: "beta", type: "number", required: true, description: "inverse temperature, nonzero; -1 is the ordinary softmax" },
      { name: "lambda", type: "number", required: true, description: "weight of the batch term, >= 0" },
      {
        name: "batchTerm",
        type: "enum",
        values: [...BATCH_TERMS],
        default: "perUnit",
        description: '"perUnit" (seed eq. 5; collapse is a global optimum) or "marginal" (entropy of the mean assignment)',
      },
    ],
  },
  maskArea: {
    name: "maskArea",
    fn: (x: tf.Tensor, o?: AnyOptions) => maskArea(x, o as Record<string, never> | undefined),
    summary: "Mask area: the mean of the mask, i.e. the fraction of pixels kept.",
    formula: "mean(M)",
    spec: "SPEC §1.6, seed 000",
    input: "mask",
    options: [],
  },
  maskBinarization: {
    name: "maskBinarization",
    fn: (x: tf.Tensor, o?: AnyOptions) => maskBinarization(x, o as Record<string, never> | undefined),
    summary: "Mask binarisation: zero when every mask value is 0 or 1.",
    formula: "mean(M (1 - M))",
    spec: "SPEC §1.6, seed 000",
    input: "mask",
    options: [],
  },
  maskTotalVariation: {
    name: "maskTotalVariation",
    fn: (x: tf.Tensor, o?: AnyOptions) => maskTotalVariation(x, o as Record<string, never> | undefined),
    summary: "Anisotropic total variation of the mask per pixel, favouring contiguous regions.",
    formula: "(1/B) sum_b (sum |vertical differences| + sum |horizontal differences|) / (H W)",
    spec: "SPEC §1.6, seed 000",
    input: "mask",
    options: [],
  },
});

/** The registry entry for `name`; throws a SparsekitError listing the known names otherwise. */
export function getObjective(name: string): ObjectiveEntry {
  if (typeof name === "string" && Object.prototype.hasOwnProperty.call(objectiveRegistry, name)) {
    return objectiveRegistry[name as ObjectiveName];
  }
  throw new SparsekitError(
    `getObjective: argument 'name' must be one of ${OBJECTIVE_NAMES.map((n) => `"${n}"`).join(", ")}, got ${
      typeof name === "string" ? `"${name}"` : String(name)
    }.`,
  );
}
