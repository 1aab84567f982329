import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { patchWasmBackend } from "../../src/backend/patchWasmBackend.js";
import { seededValues } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

/** Forward kernels the objectives, metrics, models and training loops use. */
const KERNELS = [
  "BatchMatMul", "_FusedMatMul", "Conv2D", "FusedConv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter",
  "Sigmoid", "Relu", "Elu", "LeakyRelu", "Prelu", "Tanh", "Softplus", "Softmax",
  "Max", "Min", "Sum", "Mean", "Prod", "ArgMax", "TopK", "All", "Any",
  "Add", "AddN", "Sub", "Multiply", "RealDiv", "Neg", "Abs", "Sign", "Square", "SquaredDifference", "Sqrt",
  "Rsqrt", "Exp", "Log", "Log1p", "Pow", "Round", "Step", "Maximum", "Minimum", "ClipByValue",
  "Greater", "GreaterEqual", "Less", "LessEqual", "Equal", "LogicalNot", "LogicalAnd", "IsNan", "IsInf",
  "IsFinite", "Select", "Cast", "Identity", "Reshape", "Transpose", "Slice", "Concat", "Pack", "Tile",
  "GatherV2", "UnsortedSegmentSum", "OneHot", "Fill", "ZerosLike", "OnesLike", "MaxPool", "MaxPoolGrad",
];

/**
 * Kernels the tape differentiates through. Not listed, by design: TopK, ArgMax, All, Any, the
 * comparisons, Fill (no gradient in tfjs: used for masks and thresholds only), _FusedMatMul and
 * FusedConv2D (differentiated through tf.customGrad, tested below).
 */
const DIFFERENTIATED = [
  "BatchMatMul", "Conv2D", "Conv2DBackpropInput", "Sigmoid", "Relu", "Elu", "LeakyRelu", "Prelu", "Tanh",
  "Softplus", "Softmax", "Max", "Min", "Sum", "Mean", "Prod", "Add", "AddN", "Sub", "Multiply", "RealDiv",
  "Neg", "Abs", "Sign", "Square", "SquaredDifference", "Sqrt", "Rsqrt", "Exp", "Log", "Log1p", "Pow", "Round",
  "Step", "Maximum", "Minimum", "ClipByValue", "Select", "Cast", "Identity", "Reshape", "Transpose", "Slice",
  "Concat", "Pack", "Tile", "GatherV2", "UnsortedSegmentSum", "IsNan", "IsInf", "IsFinite", "OneHot",
  "ZerosLike", "OnesLike",
];

describe("patchWasmBackend", () => {
  it("is idempotent: initBackend already applied everything", () => {
    expect(patchWasmBackend()).toEqual({
      matMulOverride: false,
      castIdentity: false,
      tile: false,
      reduceGradients: false,
      conv2D: false,
      conv2DBackpropFilter: false,
      unsortedSegmentSum: false,
      conv2DBackpropInput: false,
      maxPoolGrad: false,
      sum: false,
      sign: false,
    });
  });

  it.each(KERNELS)("kernel %s is registered on cpu and wasm", (name) => {
    expect(tf.getKernel(name, "cpu"), `${name} on cpu`).toBeDefined();
    expect(tf.getKernel(name, "wasm"), `${name} on wasm`).toBeDefined();
  });

  it.each(DIFFERENTIATED)("kernel %s has a registered gradient", (name) => {
    expect(tf.getGradient(name), name).toBeDefined();
  });

  it("differentiates the fused ops (custom gradients) on wasm", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor4d(seededValues(2 * 5 * 5 * 2, 1), [2, 5, 5, 2]);
    const w = tf.tensor4d(seededValues(3 * 3 * 2 * 3, 2), [3, 3, 2, 3]);
    const b = tf.tensor1d(seededValues(3, 3));
    const [gw, gb] = tf.grads((f: tf.Tensor, c: tf.Tensor) =>
      tf.sum(tf.fused.conv2d({ x, filter: f as tf.Tensor4D, strides: 1, pad: "same", bias: c, activation: "relu" })),
    )([w, b]);
    expect(gw.shape).toEqual([3, 3, 2, 3]);
    expect(gb.shape).toEqual([3]);
    expect(Array.from(gw.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, w, b, gw, gb]);
  });
});

// ---------------------------------------------------------------------------------------------
// Training parity: the same small models, same initial weights and data, 50 Adam steps.

interface ParityCase {
  name: string;
  build: () => tf.LayersModel;
  xShape: number[];
  loss: string;
  target: (x: Float32Array, n: number) => { values: Float32Array; shape: number[] };
}

function oneHotTargets(n: number, classes: number, seed: number): { values: Float32Array; shape: number[] } {
  const u = seededValues(n, seed, 0, classes);
  const values = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) values[i * classes + Math.min(classes - 1, Math.floor(u[i]))] = 1;
  return { values, shape: [n, classes] };
}

const CASES: ParityCase[] = [
  {
    name: "dense sigmoid autoencoder",
    xShape: [32, 20],
    loss: "meanSquaredError",
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [20], units: 8, activation: "sigmoid" }),
          tf.layers.dense({ units: 20, activation: "sigmoid" }),
        ],
      }),
    target: (x) => ({ values: x, shape: [32, 20] }),
  },
  {
    name: "dense ReLU classifier",
    xShape: [32, 20],
    loss: "categoricalCrossentropy",
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [20], units: 16, activation: "relu" }),
          tf.layers.dense({ units: 4, activation: "softmax" }),
        ],
      }),
    target: (_x, n) => oneHotTargets(n, 4, 77),
  },
  {
    name: "conv2d classifier",
    xShape: [16, 8, 8, 1],
    loss: "categoricalCrossentropy",
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: "same", activation: "relu" }),
          tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: "valid", activation: "relu" }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: "softmax" }),
        ],
      }),
    target: (_x, n) => oneHotTargets(n, 3, 78),
  },
  {
    // Both filter-gradient paths (im2col for 3x3x1 -> 10, convolution for 3x3x10 -> 4), the
    // input gradient, MaxPoolGrad and the leading-axes Sum of the bias gradients.
    name: "conv + maxPool classifier",
    xShape: [8, 8, 8, 1],
    loss: "categoricalCrossentropy",
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 10, kernelSize: 3, padding: "same", activation: "relu" }),
          tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: "same" }),
          tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu" }),
          tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: "same" }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: "softmax" }),
        ],
      }),
    target: (_x, n) => oneHotTargets(n, 3, 79),
  },
];

const INIT_SEED = 500;

async function train(
  backend: "cpu" | "wasm",
  c: ParityCase,
  x: Float32Array,
  y: { values: Float32Array; shape: number[] },
  initial: Float32Array[] | null,
): Promise<{ losses: number[]; initial: Float32Array[] }> {
  await tf.setBackend(backend);
  const model = c.build();
  // Seeded Glorot-uniform kernels and zero biases (the layers' own initialisers draw from
  // Math.random, which made the 1e-3 bound depend on the draw).
  const start = initial ?? model.getWeights().map((w, i) => {
    if (w.shape.length === 1) return new Float32Array(w.size);
    const receptive = w.shape.slice(0, -2).reduce((p, d) => p * d, 1);
    const limit = Math.sqrt(6 / (receptive * (w.shape[w.shape.length - 2] + w.shape[w.shape.length - 1])));
    return seededValues(w.size, INIT_SEED + i, -limit, limit);
  });
  model.setWeights(start.map((v, i) => tf.tensor(v, model.getWeights()[i].shape)));
  model.compile({ optimizer: tf.train.adam(0.01), loss: c.loss });
  const xs = tf.tensor(x, c.xShape);
  const ys = tf.tensor(y.values, y.shape);
  const losses: number[] = [];
  for (let step = 0; step < 50; step++) losses.push((await model.trainOnBatch(xs, ys)) as number);
  tf.dispose([xs, ys]);
  model.dispose();
  return { losses, initial: start };
}

describe("wasm training matches cpu", () => {
  it.each(CASES)("$name: 50 Adam steps, loss within 1e-3 relative at every step", async (c) => {
    const n = c.xShape[0];
    const x = seededValues(c.xShape.reduce((p, d) => p * d, 1), 11, 0, 1);
    const y = c.target(x, n);
    const cpu = await train("cpu", c, x, y, null);
    const wasm = await train("wasm", c, x, y, cpu.initial);
    expect(wasm.losses).toHaveLength(50);
    for (let i = 0; i < 50; i++) {
      const rel = Math.abs(wasm.losses[i] - cpu.losses[i]) / Math.abs(cpu.losses[i]);
      if (!(rel <= 1e-3)) expect.fail(`step ${i}: wasm ${wasm.losses[i]} vs cpu ${cpu.losses[i]} (rel ${rel})`);
    }
    // the models do learn, so matching losses is not trivially matching constants
    expect(cpu.losses[49]).toBeLessThan(cpu.losses[0] * 0.95);
  });
});
