import * as tf from "@tensorflow/tfjs";
import { FusedAdamOptimizer } from "../train/FusedAdamOptimizer.js";
import { fista } from "../coding/fista.js";
import { lcaInference } from "../coding/lcaInference.js";
import { BudgetConstraint } from "../masks/BudgetConstraint.js";
import { ConvSaturatingAutoencoder } from "../models/ConvSaturatingAutoencoder.js";
import { EntropyClusterer } from "../models/EntropyClusterer.js";
import { MaskedClassifier } from "../models/MaskedClassifier.js";
import { OvrEncoder } from "../models/OvrEncoder.js";
import { buildSaeStep } from "./saeStep.js";

/**
 * The benchmark suite's workloads (issue 12). Each builds, on the active tfjs backend, one unit of
 * work as a sparsekit user runs it (sparsekit's own models and functions, Adam where there is
 * training) and returns `step()`, which runs it once and reads a number back (the loss), like
 * `loss.item()` in bench/reference/workloads.py, whose function of the same name does the same
 * computation in PyTorch on the same shapes. Inputs are fixed seeded random tensors (no dataset
 * I/O in the timing).
 */

export type WorkloadSize = Record<string, number>;

export interface WorkloadInstance {
  /** One unit of work (a training step or one inference call); returns the loss read back. */
  step(): number;
  dispose(): void;
}

export interface Workload {
  /** Name on the command line and in bench/reference/workloads.py. */
  name: string;
  /** One line for the table. */
  title: string;
  /** Shapes of the measured run. */
  size: WorkloadSize;
  /** Small shapes for tests (seconds on the cpu backend). */
  tiny: WorkloadSize;
  /** What one step is ("step" = one optimizer update). */
  unit: "step" | "inference";
  build(size: WorkloadSize, seed: number): WorkloadInstance;
}

const ADAM_LR = 1e-3;
/** Input batches the entropy workload cycles through (see there). */
const POOL = 16;

function readLoss(l: tf.Scalar | null): number {
  if (l === null) throw new Error("optimizer.minimize returned no loss");
  const v = l.dataSync()[0];
  l.dispose();
  return v;
}

function oneHotLabels(batch: number, classes: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, classes, "int32", seed), classes).toFloat() as tf.Tensor2D);
}

/** Adam over `variables` on the sum of `terms()` (the trainer's step without shuffling or logging). */
function adamStep(variables: tf.Variable[], terms: () => Record<string, tf.Scalar>) {
  const optimizer = new FusedAdamOptimizer(ADAM_LR);
  return {
    optimizer,
    step: () => readLoss(optimizer.minimize(() => tf.addN(Object.values(terms())) as tf.Scalar, true, variables)),
  };
}

const sae: Workload = {
  name: "sae",
  title: "SAE step 784-196-784 (sigmoid, KL, decay), batch 256",
  size: { inputSize: 784, hiddenSize: 196, batchSize: 256 },
  tiny: { inputSize: 12, hiddenSize: 5, batchSize: 6 },
  unit: "step",
  build: (s, seed) => buildSaeStep({ inputSize: s.inputSize, hiddenSize: s.hiddenSize, batchSize: s.batchSize, seed }),
};

/** conv 3x3x32 -> maxpool 2 -> conv 3x3x64 -> maxpool 2 -> dense 128 -> classes, ReLU, same padding. */
const cnn: Workload = {
  name: "cnn",
  title: "MNIST CNN classifier step (conv32-pool-conv64-pool-128-10), batch 128",
  size: { batchSize: 128, height: 28, filters1: 32, filters2: 64, hidden: 128, classes: 10 },
  tiny: { batchSize: 4, height: 8, filters1: 4, filters2: 6, hidden: 8, classes: 3 },
  unit: "step",
  build: (s, seed) => {
    // A tfjs Layers model: what a sparsekit user trains (fitSparse / trainOnBatch) for a CNN.
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [s.height, s.height, 1], filters: s.filters1, kernelSize: 3, padding: "same", activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed }) }),
        tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: "same" }),
        tf.layers.conv2d({ filters: s.filters2, kernelSize: 3, padding: "same", activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }) }),
        tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: "same" }),
        tf.layers.flatten(),
        tf.layers.dense({ units: s.hidden, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: seed + 2 }) }),
        tf.layers.dense({ units: s.classes, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) }),
      ],
    });
    const x = tf.randomUniform([s.batchSize, s.height, s.height, 1], 0, 1, "float32", seed);
    const y = oneHotLabels(s.batchSize, s.classes, seed + 4);
    const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const { optimizer, step } = adamStep(variables, () => ({
      crossEntropy: tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar,
    }));
    return {
      step,
      dispose: () => {
        optimizer.dispose();
        model.dispose();
        tf.dispose([x, y]);
      },
    };
  },
};

/** masks-mnist's steBudget method: attention branch -> straight-through gate -> MLP on x*M, CE + lambda (mean(M) - b). */
const masked: Workload = {
  name: "masked",
  title: "masked classifier step (attention conv + STE gate + MLP + budget), batch 128",
  size: { batchSize: 128, height: 28, classes: 10, attentionChannels: 8, attentionKernel: 5, attentionPool: 2, hiddenUnits: 128 },
  tiny: { batchSize: 4, height: 8, classes: 3, attentionChannels: 2, attentionKernel: 3, attentionPool: 2, hiddenUnits: 6 },
  unit: "step",
  build: (s, seed) => {
    const model = MaskedClassifier.create({
      height: s.height, width: s.height, classes: s.classes, gate: { kind: "straightThrough" },
      attentionChannels: s.attentionChannels, attentionKernel: s.attentionKernel, attentionPool: s.attentionPool,
      hiddenUnits: s.hiddenUnits, attentionGain: 20, seed,
    });
    const budget = { constraint: new BudgetConstraint({ target: 0.1, stepSize: 0.1 }), on: "area" as const };
    const x = tf.randomUniform([s.batchSize, s.height, s.height, 1], 0, 1, "float32", seed);
    const y = oneHotLabels(s.batchSize, s.classes, seed + 1);
    const optimizer = new FusedAdamOptimizer(ADAM_LR);
    return {
      step: () => {
        let g: tf.Scalar | undefined;
        const loss = optimizer.minimize(() => {
          const { terms, constraint } = model.lossTerms(x, y, { budget, training: true });
          g = tf.keep(constraint!);
          return tf.addN(Object.values(terms)) as tf.Scalar;
        }, true, model.trainableVariables());
        const value = readLoss(loss);
        // The dual-ascent update of masks-mnist: one per minibatch, on that batch's mean(M).
        budget.constraint.update(g!.dataSync()[0]);
        g!.dispose();
        return value;
      },
      dispose: () => {
        optimizer.dispose();
        model.dispose();
        tf.dispose([x, y]);
      },
    };
  },
};

/** satae-mnist's conv variant: 7x7x8 conv encoder (same), satlin, tied decoder, masking noise 0.25. */
const convSatae: Workload = {
  name: "conv-satae",
  title: "conv saturating autoencoder step (7x7x8, satlin, tied, denoising), batch 64",
  size: { batchSize: 64, height: 28, filters: 8, kernelSize: 7 },
  tiny: { batchSize: 3, height: 8, filters: 2, kernelSize: 3 },
  unit: "step",
  build: (s, seed) => {
    const model = ConvSaturatingAutoencoder.create({
      height: s.height, width: s.height, channels: 1, filters: s.filters, kernelSize: s.kernelSize, padding: "same",
      activation: "satlin", tied: true, decoderOutput: "linear", alpha: 0.01, weightDecay: 0,
      denoising: { kind: "masking", level: 0.25 }, seed,
    });
    const x = tf.randomUniform([s.batchSize, s.height, s.height, 1], 0, 1, "float32", seed);
    let noiseSeed = seed;
    const { optimizer, step } = adamStep(model.trainableVariables(), () => model.lossTerms(x, { noiseSeed: noiseSeed++ }));
    return {
      step,
      dispose: () => {
        optimizer.dispose();
        model.dispose();
        x.dispose();
      },
    };
  },
};

/** entropy-mnist's MLP clusterer: 784-1200-1200-10, marginal batch entropy + consistency on one affine-augmented view. */
const entropy: Workload = {
  name: "entropy",
  title: "entropy clustering step (MLP 784-1200-1200-10, entropy + consistency), batch 250",
  size: { batchSize: 250, height: 28, hidden: 1200, clusters: 10 },
  tiny: { batchSize: 4, height: 6, hidden: 8, clusters: 3 },
  unit: "step",
  build: (s, seed) => {
    // entropy-mnist's defaults: marginal form, lambda 4, consistency weight 10.
    const model = EntropyClusterer.create({
      inputSize: s.height * s.height, imageShape: [s.height, s.height, 1], architecture: "mlp",
      hiddenSizes: [s.hidden, s.hidden], numClusters: s.clusters, beta: -1, lambda: 4, batchTerm: "marginal",
      consistencyWeight: 10, augmentedViews: 1, seed,
    });
    // A pool of batches, one per step in turn: on one fixed batch of random images the clusterer
    // becomes certain within ~5 steps, and its softmax outputs then underflow into denormal floats,
    // which wasm computes ~10x slower (measured): a benchmark of that regime measures denormals.
    const pool = Array.from({ length: POOL }, (_, i) => tf.randomUniform([s.batchSize, s.height * s.height], 0, 1, "float32", seed + i) as tf.Tensor2D);
    let stepSeed = seed;
    const { optimizer, step } = adamStep(model.trainableVariables(), () => model.lossTerms(pool[stepSeed % POOL], { seed: stepSeed++ }));
    return {
      step,
      dispose: () => {
        optimizer.dispose();
        model.dispose();
        tf.dispose(pool);
      },
    };
  },
};

/** Unit-norm random dictionary and random inputs of the sparse-coding workloads. */
function codingProblem(s: WorkloadSize, seed: number): { x: tf.Tensor2D; phi: tf.Tensor2D } {
  return tf.tidy(() => {
    const raw = tf.randomNormal([s.dim, s.atoms], 0, 1, "float32", seed);
    const phi = tf.div(raw, tf.norm(raw, "euclidean", 0, true)) as tf.Tensor2D;
    const x = tf.randomNormal([s.batchSize, s.dim], 0, 1, "float32", seed + 1) as tf.Tensor2D;
    return { x, phi };
  });
}

const CODING_LAMBDA = 0.1;

const lca: Workload = {
  name: "lca",
  title: "LCA inference, D=256, 256 atoms, batch 250, 200 iterations",
  size: { batchSize: 250, dim: 256, atoms: 256, iterations: 200 },
  tiny: { batchSize: 4, dim: 6, atoms: 8, iterations: 5 },
  unit: "inference",
  build: (s, seed) => {
    const { x, phi } = codingProblem(s, seed);
    return {
      step: () => {
        const r = lcaInference(x, phi, { lambda: CODING_LAMBDA, iterations: s.iterations });
        const v = tf.tidy(() => tf.sum(tf.abs(r.codes)).dataSync()[0]);
        tf.dispose([r.codes, r.u]);
        return v;
      },
      dispose: () => tf.dispose([x, phi]),
    };
  },
};

const fistaWorkload: Workload = {
  name: "fista",
  title: "FISTA, same problem, 200 iterations (+ 100 power iterations for L)",
  size: { batchSize: 250, dim: 256, atoms: 256, iterations: 200 },
  tiny: { batchSize: 4, dim: 6, atoms: 8, iterations: 5 },
  unit: "inference",
  build: (s, seed) => {
    const { x, phi } = codingProblem(s, seed);
    return {
      step: () => {
        const r = fista(x, phi, { lambda: CODING_LAMBDA, iterations: s.iterations, tolerance: 0 });
        const v = tf.tidy(() => tf.sum(tf.abs(r.codes)).dataSync()[0]);
        r.codes.dispose();
        return v;
      },
      dispose: () => tf.dispose([x, phi]),
    };
  },
};

/** OvrEncoder.fit's step: explicit (local) gradients, Adam. */
const ovr: Workload = {
  name: "ovr",
  title: "OVR-Encoder local update, PCA-64 inputs, K=2048, batch 128",
  size: { batchSize: 128, inputSize: 64, hiddenSize: 2048 },
  tiny: { batchSize: 4, inputSize: 5, hiddenSize: 7 },
  unit: "step",
  build: (s, seed) => {
    const model = OvrEncoder.create({ inputSize: s.inputSize, hiddenSize: s.hiddenSize, lambda: 1e-4, seed });
    const x = tf.randomNormal([s.batchSize, s.inputSize], 0, 1, "float32", seed) as tf.Tensor2D;
    const optimizer = new FusedAdamOptimizer(ADAM_LR);
    const { W, b } = model.variables;
    return {
      step: () => {
        const g = model.gradients(x);
        optimizer.applyGradients([
          { name: W.name, tensor: g.W },
          { name: b.name, tensor: g.b },
        ]);
        tf.dispose([g.W, g.b]);
        return g.total;
      },
      dispose: () => {
        optimizer.dispose();
        model.dispose();
        x.dispose();
      },
    };
  },
};

/** Every workload, in table order. */
export const WORKLOADS: readonly Workload[] = [sae, cnn, masked, convSatae, entropy, lca, fistaWorkload, ovr];

export const WORKLOAD_NAMES: readonly string[] = WORKLOADS.map((w) => w.name);

export function getWorkload(name: string): Workload {
  const w = WORKLOADS.find((v) => v.name === name);
  if (w === undefined) throw new Error(`unknown workload '${name}'; known: ${WORKLOAD_NAMES.join(", ")}`);
  return w;
}
