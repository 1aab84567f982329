import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { getObjective, OBJECTIVE_NAMES, type ObjectiveEntry } from "../objectives/registry.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { parseWith } from "./schemaError.js";

/** Zod schema of a {@link PenaltySpec}: plain JSON, so specs can be stored and reloaded. */
export const penaltySpecSchema = z.strictObject({
  /** Name of the layer whose output is penalised. */
  layer: z.string().min(1),
  /** Registry name of the objective (src/objectives/registry.ts), e.g. "l1", "ovr", "kl". */
  objective: z.string().min(1),
  /** Weight lambda >= 0 of the term in the loss. */
  weight: z.number().finite().min(0),
  /** Options passed to the objective (validated against the registry's option list). */
  options: z.record(z.string(), z.unknown()).optional(),
  /** Term name in the history; default "<layer>/<objective>". */
  name: z.string().min(1).optional(),
});
export const penaltySpecsSchema = z.array(penaltySpecSchema);

/** `{ layer: "hidden", objective: "ovr", weight: 1e-4, options?: {...}, name?: "hidden/ovr" }` */
export type PenaltySpec = z.infer<typeof penaltySpecSchema>;

/** A spec bound to a model layer and an objective. */
export interface ResolvedPenalty {
  name: string;
  spec: PenaltySpec;
  layer: tf.layers.Layer;
  objective: ObjectiveEntry;
  weight: number;
  options: Record<string, unknown>;
}

function optionError(where: string, label: string, message: string): never {
  throw new SparsekitError(`${where}: penalty ${label}: ${message}.`);
}

/** Checks options against the objective's registry metadata (names, required, types, enums). */
function checkOptions(entry: ObjectiveEntry, options: Record<string, unknown>, where: string, label: string): void {
  const known = entry.options.map((o) => o.name);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      optionError(where, label, `unknown option '${key}' for objective "${entry.name}"; known options: ${known.length ? known.join(", ") : "(none)"}`);
    }
  }
  for (const o of entry.options) {
    const v = options[o.name];
    if (v === undefined) {
      if (o.required) optionError(where, label, `objective "${entry.name}" needs option '${o.name}' (${o.description})`);
      continue;
    }
    const ok =
      o.type === "number" ? typeof v === "number" && Number.isFinite(v)
      : o.type === "boolean" ? typeof v === "boolean"
      : typeof v === "string" && (o.values ?? []).includes(v);
    if (!ok) {
      const want = o.type === "enum" ? `one of ${(o.values ?? []).map((s) => `"${s}"`).join(", ")}` : `a ${o.type === "number" ? "finite number" : "boolean"}`;
      optionError(where, label, `option '${o.name}' must be ${want}, got ${JSON.stringify(v)}`);
    }
  }
}

function activationOf(layer: tf.layers.Layer): string | undefined {
  const a = (layer.getConfig() as { activation?: unknown }).activation;
  return typeof a === "string" ? a : undefined;
}

/**
 * Validates penalty specs (zod: shape and types; then against the model and the objective
 * registry) and binds them. Errors are SparsekitErrors that name the penalty and list the
 * alternatives: an unknown layer lists the model's layer names, an unknown objective the
 * registry's names. Objectives on "preactivations" (saturation) need a layer whose own
 * activation is linear: put the nonlinearity in a separate tf.layers.activation layer.
 */
export function resolvePenalties(model: tf.LayersModel, specs: unknown, where: string): ResolvedPenalty[] {
  const parsed = parseWith(penaltySpecsSchema, specs ?? [], where, "penalties");
  const layerNames = model.layers.map((l) => l.name);
  const seen = new Set<string>();
  return parsed.map((spec, i) => {
    const name = spec.name ?? `${spec.layer}/${spec.objective}`;
    const label = `[${i}] (${name})`;
    if (!layerNames.includes(spec.layer)) {
      optionError(where, label, `layer '${spec.layer}' is not in the model; its layers are: ${layerNames.join(", ")}`);
    }
    if (!(OBJECTIVE_NAMES as readonly string[]).includes(spec.objective)) {
      optionError(where, label, `unknown objective "${spec.objective}"; known objectives: ${OBJECTIVE_NAMES.join(", ")}`);
    }
    const objective = getObjective(spec.objective);
    const options = spec.options ?? {};
    checkOptions(objective, options, where, label);
    if (seen.has(name)) optionError(where, label, `duplicate term name '${name}'; give one of them a 'name'`);
    if (name === "task") optionError(where, label, `the term name 'task' is reserved for the task loss`);
    seen.add(name);
    const layer = model.getLayer(spec.layer);
    const act = activationOf(layer);
    if (objective.input === "preactivations" && act !== undefined && act !== "linear") {
      optionError(
        where,
        label,
        `objective "${spec.objective}" penalises pre-activations, but layer '${spec.layer}' applies activation "${act}"; build it with activation "linear" followed by a tf.layers.activation layer and penalise the linear one`,
      );
    }
    return { name, spec: { ...spec }, layer, objective, weight: spec.weight, options };
  });
}

/**
 * The tensor an objective receives from a layer output: "codes" objectives want one row per
 * sample (B x K), so rank > 2 outputs (conv feature maps) are flattened to B x (H W C);
 * pre-activations and masks are passed as they are.
 */
export function penaltyInput(p: ResolvedPenalty, output: tf.Tensor): tf.Tensor {
  if (p.objective.input === "codes" && output.rank > 2) return tf.reshape(output, [output.shape[0], -1]);
  return output;
}
