import * as tf from "@tensorflow/tfjs";
import { FusedAdamOptimizer } from "./FusedAdamOptimizer.js";
import { z } from "zod";
import { SparsekitError } from "../validation/SparsekitError.js";
import { parseWith } from "./schemaError.js";

const learningRate = z.number().min(0).finite();

const adamSpec = z.strictObject({
  name: z.literal("adam"),
  learningRate,
  beta1: z.number().min(0).lt(1).optional(),
  beta2: z.number().min(0).lt(1).optional(),
  epsilon: z.number().positive().optional(),
});
const sgdSpec = z.strictObject({ name: z.literal("sgd"), learningRate });
const momentumSpec = z.strictObject({
  name: z.literal("momentum"),
  learningRate,
  momentum: z.number().min(0).max(1),
  useNesterov: z.boolean().optional(),
});
const rmspropSpec = z.strictObject({
  name: z.literal("rmsprop"),
  learningRate,
  decay: z.number().min(0).lt(1).optional(),
  momentum: z.number().min(0).max(1).optional(),
  epsilon: z.number().positive().optional(),
  centered: z.boolean().optional(),
});

/** Zod schema of {@link OptimizerSpec} (plain JSON, so it can live in configs and checkpoints). */
export const optimizerSpecSchema = z.discriminatedUnion("name", [adamSpec, sgdSpec, momentumSpec, rmspropSpec]);

/**
 * A serialisable optimizer description:
 * - `{ name: "adam", learningRate, beta1?: 0.9, beta2?: 0.999, epsilon?: backend epsilon }`
 * - `{ name: "sgd", learningRate }`
 * - `{ name: "momentum", learningRate, momentum, useNesterov?: false }`
 * - `{ name: "rmsprop", learningRate, decay?: 0.9, momentum?: 0, epsilon?, centered?: false }`
 */
export type OptimizerSpec = z.infer<typeof optimizerSpecSchema>;
export type OptimizerName = OptimizerSpec["name"];
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ["adam", "sgd", "momentum", "rmsprop"];

/** Validates an optimizer spec; SparsekitError names the bad field. */
export function parseOptimizerSpec(spec: unknown, where = "createOptimizer", arg = "spec"): OptimizerSpec {
  const name = (spec as { name?: unknown } | null)?.name;
  if (typeof name !== "string" || !OPTIMIZER_NAMES.includes(name as OptimizerName)) {
    throw new SparsekitError(
      `${where}: argument '${arg}' must have 'name' one of ${OPTIMIZER_NAMES.map((n) => `"${n}"`).join(", ")}, got ${JSON.stringify(name) ?? "undefined"}.`,
    );
  }
  return parseWith(optimizerSpecSchema, spec, where, arg);
}

/** True for a tfjs optimizer instance (tf.Optimizer's instanceof check crashes on null/undefined). */
export function isOptimizer(x: unknown): x is tf.Optimizer {
  return x != null && typeof x === "object" && x instanceof tf.Optimizer;
}

/** Builds the tfjs optimizer (Adam as FusedAdamOptimizer, tf.train.sgd / momentum / rmsprop) for a spec. */
export function createOptimizer(spec: OptimizerSpec): tf.Optimizer {
  const s = parseOptimizerSpec(spec);
  switch (s.name) {
    case "adam":
      return new FusedAdamOptimizer(s.learningRate, s.beta1 ?? 0.9, s.beta2 ?? 0.999, s.epsilon);
    case "sgd":
      return tf.train.sgd(s.learningRate);
    case "momentum":
      return tf.train.momentum(s.learningRate, s.momentum, s.useNesterov ?? false);
    case "rmsprop":
      return tf.train.rmsprop(s.learningRate, s.decay ?? 0.9, s.momentum ?? 0, s.epsilon, s.centered ?? false);
  }
}

/**
 * The spec with every default filled in, in the key order {@link optimizerSpecOf} uses, so two
 * specs that build the same optimizer compare equal as JSON. Epsilon defaults to the current
 * backend's epsilon, as in tfjs.
 */
export function completeOptimizerSpec(spec: OptimizerSpec): OptimizerSpec {
  const s = parseOptimizerSpec(spec, "completeOptimizerSpec");
  const eps = () => tf.backend().epsilon();
  switch (s.name) {
    case "adam":
      return { name: s.name, learningRate: s.learningRate, beta1: s.beta1 ?? 0.9, beta2: s.beta2 ?? 0.999, epsilon: s.epsilon ?? eps() };
    case "sgd":
      return { name: s.name, learningRate: s.learningRate };
    case "momentum":
      return { name: s.name, learningRate: s.learningRate, momentum: s.momentum, useNesterov: s.useNesterov ?? false };
    case "rmsprop":
      return {
        name: s.name,
        learningRate: s.learningRate,
        decay: s.decay ?? 0.9,
        momentum: s.momentum ?? 0,
        epsilon: s.epsilon ?? eps(),
        centered: s.centered ?? false,
      };
  }
}

const CLASS_TO_NAME: Record<string, OptimizerName> = { Adam: "adam", SGD: "sgd", Momentum: "momentum", RMSProp: "rmsprop" };

/**
 * The spec of an existing tfjs optimizer, read from its class name and getConfig(), so callers
 * that pass an optimizer instance still get a reproducible description in checkpoints.
 */
export function optimizerSpecOf(optimizer: tf.Optimizer): OptimizerSpec {
  if (!isOptimizer(optimizer)) {
    throw new SparsekitError("optimizerSpecOf: argument 'optimizer' must be a tf.Optimizer.");
  }
  const cls = optimizer.getClassName();
  const name = CLASS_TO_NAME[cls];
  if (name === undefined) {
    throw new SparsekitError(
      `optimizerSpecOf: optimizer class '${cls}' is not supported; supported: ${Object.keys(CLASS_TO_NAME).join(", ")}.`,
    );
  }
  const c = optimizer.getConfig() as Record<string, number | boolean>;
  switch (name) {
    case "adam":
      return { name, learningRate: c.learningRate as number, beta1: c.beta1 as number, beta2: c.beta2 as number, epsilon: c.epsilon as number };
    case "sgd":
      return { name, learningRate: c.learningRate as number };
    case "momentum":
      return { name, learningRate: c.learningRate as number, momentum: c.momentum as number, useNesterov: c.useNesterov as boolean };
    case "rmsprop":
      return {
        name,
        learningRate: c.learningRate as number,
        decay: c.decay as number,
        momentum: c.momentum as number,
        epsilon: c.epsilon as number,
        centered: c.centered as boolean,
      };
  }
}
