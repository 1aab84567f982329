import * as tf from "@tensorflow/tfjs";
import { loadTensorMap, saveTensorMap } from "../io/tensorMap.js";
import type { NamedTensor } from "../io/weightsFile.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { completeOptimizerSpec, createOptimizer, optimizerSpecOf, parseOptimizerSpec, type OptimizerSpec } from "./optimizer.js";

/**
 * Everything an optimizer needs to continue exactly where it stopped: its spec and its weights
 * (tfjs getWeights(): the iteration count "iter" first, then the accumulators in variable order,
 * e.g. Adam's first then second moments). For Adam we also keep the running powers beta1^t and
 * beta2^t: tfjs's setWeights recomputes them with pow(), which differs from the running product
 * in the last float32 bit, and a resumed run would then drift from the uninterrupted one.
 * The tensors are owned copies: free them with {@link disposeOptimizerState}.
 */
export interface OptimizerState {
  spec: OptimizerSpec;
  weights: NamedTensor[];
}

const ADAM_EXTRAS = ["sparsekit/adam/accBeta1", "sparsekit/adam/accBeta2"] as const;

/** Adam's private running powers (tfjs-core 4.22 AdamOptimizer.accBeta1 / accBeta2). */
function adamPowers(optimizer: tf.Optimizer): [tf.Variable, tf.Variable] {
  const o = optimizer as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
  if (!(o.accBeta1 instanceof tf.Tensor) || !(o.accBeta2 instanceof tf.Tensor)) {
    throw new SparsekitError("optimizer state: this tfjs version's Adam has no accBeta1/accBeta2; cannot save its state exactly.");
  }
  return [o.accBeta1, o.accBeta2];
}

/** Copies an optimizer's state out (async: tfjs getWeights() is async). */
export async function exportOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const spec = optimizerSpecOf(optimizer);
  const raw = await optimizer.getWeights();
  // "iter" is a fresh scalar made by getWeights(); the rest are the optimizer's own variables.
  const weights = raw.map(({ name, tensor }) => ({ name, tensor: name === "iter" ? tensor : tf.clone(tensor) }));
  if (spec.name === "adam") {
    const [b1, b2] = adamPowers(optimizer);
    weights.push({ name: ADAM_EXTRAS[0], tensor: tf.clone(b1) }, { name: ADAM_EXTRAS[1], tensor: tf.clone(b2) });
  }
  return { spec, weights };
}

/**
 * Loads a state into an optimizer of the same kind and settings, so that its next update is
 * bit-identical to the one the exporting optimizer would have made. Use a fresh optimizer
 * (tfjs does not free accumulators it replaces). Does not take ownership of `state`.
 */
export async function importOptimizerState(optimizer: tf.Optimizer, state: OptimizerState): Promise<void> {
  const where = "importOptimizerState";
  const target = optimizerSpecOf(optimizer);
  const source = parseOptimizerSpec(state?.spec, where, "state.spec");
  if (JSON.stringify(target) !== JSON.stringify(completeOptimizerSpec(source))) {
    throw new SparsekitError(
      `${where}: the optimizer (${JSON.stringify(target)}) does not match the saved state's spec (${JSON.stringify(source)}).`,
    );
  }
  const weights = state.weights;
  if (!Array.isArray(weights) || weights.length === 0 || weights[0].name !== "iter") {
    throw new SparsekitError(`${where}: argument 'state.weights' must start with the iteration count 'iter'.`);
  }
  const extras = weights.filter((w) => (ADAM_EXTRAS as readonly string[]).includes(w.name));
  const core = weights.filter((w) => !(ADAM_EXTRAS as readonly string[]).includes(w.name));
  // setWeights turns each tensor into a new variable that shares its data; clone so the caller
  // can dispose `state` independently.
  // tfjs builds its accumulators with tensor.variable() (which shares the data) and never frees
  // the tensors it is given, iter included: free our clones afterwards.
  const clones = core.map(({ name, tensor }) => ({ name, tensor: tf.clone(tensor) }));
  try {
    await optimizer.setWeights(clones);
  } finally {
    tf.dispose(clones.map((c) => c.tensor));
  }
  if (source.name === "adam") {
    if (extras.length !== 2) {
      throw new SparsekitError(`${where}: Adam state lacks ${ADAM_EXTRAS.join(" and ")}.`);
    }
    const [b1, b2] = adamPowers(optimizer);
    b1.assign(extras.find((e) => e.name === ADAM_EXTRAS[0])!.tensor);
    b2.assign(extras.find((e) => e.name === ADAM_EXTRAS[1])!.tensor);
  }
}

/** Frees the tensors of a state. */
export function disposeOptimizerState(state: OptimizerState): void {
  for (const w of state.weights) w.tensor.dispose();
}

/** Writes an optimizer's state as a tensor map `dir/<name>.json|.bin` (spec in the metadata); returns the spec. */
export async function saveOptimizerState(optimizer: tf.Optimizer, dir: string, name = "optimizer"): Promise<OptimizerSpec> {
  const state = await exportOptimizerState(optimizer);
  try {
    await saveTensorMap(dir, name, state.weights, { spec: state.spec });
    return state.spec;
  } finally {
    disposeOptimizerState(state);
  }
}

/** Reads what {@link saveOptimizerState} wrote. The tensors are the caller's to dispose. */
export async function loadOptimizerState(dir: string, name = "optimizer"): Promise<OptimizerState> {
  const loaded = await loadTensorMap(dir, name);
  const spec = parseOptimizerSpec(loaded.metadata.spec, "loadOptimizerState", `${name}.json metadata.spec`);
  return { spec, weights: loaded.names.map((n) => ({ name: n, tensor: loaded.tensors[n] })) };
}

/** A new optimizer built from a saved state's spec, with the state loaded. */
export async function restoreOptimizer(state: OptimizerState): Promise<tf.Optimizer> {
  const optimizer = createOptimizer(state.spec);
  await importOptimizerState(optimizer, state);
  return optimizer;
}
