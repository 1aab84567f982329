import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { l1Penalty } from "../../src/objectives/l1Penalty.js";
import { ovrOverlap } from "../../src/objectives/ovrOverlap.js";
import { fitSparse, type FitSparseOptions } from "../../src/train/fitSparse.js";
import type { BatchInfo } from "../../src/train/train.js";
import type { TrainHistory } from "../../src/train/history.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const N = 96;
const x = tf.randomNormal([N, 4], 0, 1, "float32", 5);
const labels = tf.tidy(() => tf.argMax(tf.matMul(x, tf.randomNormal([4, 3], 0, 1, "float32", 6)), 1));
const y = tf.oneHot(labels, 3);

/** 4-16-3 ReLU MLP with seeded initialisers: every call builds the same starting point. */
function mlp(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 16, inputShape: [4], activation: "relu", name: "hidden", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tf.layers.dense({ units: 3, activation: "softmax", name: "out", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  return m;
}

/** Functional 4-12-8-3 ReLU MLP with two hidden layers h1, h2. */
function twoHidden(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const h1 = tf.layers.dense({ units: 12, activation: "relu", name: "h1", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(input);
  const h2 = tf.layers.dense({ units: 8, activation: "relu", name: "h2", kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(h1);
  const out = tf.layers.dense({ units: 3, activation: "softmax", name: "out", kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(h2);
  return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
}

function hiddenCodes(model: tf.LayersModel, layer: string): tf.Tensor {
  return tf.model({ inputs: model.inputs, outputs: model.getLayer(layer).output as tf.SymbolicTensor }).predict(x) as tf.Tensor;
}

/** Fraction of exactly-zero ReLU outputs and mean activation, computed here (not via src/metrics). */
function sparsity(codes: tf.Tensor): { zeros: number; mean: number } {
  return tf.tidy(() => ({
    zeros: tf.mean(tf.cast(tf.lessEqual(codes, 0), "float32")).dataSync()[0],
    mean: tf.mean(codes).dataSync()[0],
  }));
}

function stable(h: TrainHistory) {
  return h.epochs.map(({ seconds: _s, ...rest }) => rest);
}

const common: FitSparseOptions = {
  loss: "categoricalCrossentropy",
  optimizer: { name: "adam", learningRate: 0.02 },
  epochs: 12,
  batchSize: 16,
  seed: 1,
  progress: "none",
};

describe("fitSparse", () => {
  it("an L1 or OVR penalty on the hidden ReLU layer makes its codes sparser than the same run without it", async () => {
    const base = mlp();
    const hBase = await fitSparse(base, x, y, { ...common, validationData: [x, y] });
    const l1 = mlp();
    const hL1 = await fitSparse(l1, x, y, { ...common, validationData: [x, y], penalties: [{ layer: "hidden", objective: "l1", weight: 0.05 }] });
    const ovr = mlp();
    const hOvr = await fitSparse(ovr, x, y, { ...common, penalties: [{ layer: "hidden", objective: "ovr", weight: 1e-3 }] });

    const sBase = sparsity(hiddenCodes(base, "hidden"));
    const sL1 = sparsity(hiddenCodes(l1, "hidden"));
    const sOvr = sparsity(hiddenCodes(ovr, "hidden"));
    expect(sL1.zeros).toBeGreaterThan(sBase.zeros + 0.1);
    expect(sOvr.zeros).toBeGreaterThan(sBase.zeros + 0.1);
    expect(sL1.mean).toBeLessThan(0.6 * sBase.mean);
    expect(sOvr.mean).toBeLessThan(0.6 * sBase.mean);

    const last = hL1.epochs.at(-1)!;
    expect(Object.keys(last.terms)).toEqual(["task", "hidden/l1"]);
    expect(last.loss).toBeCloseTo(last.terms.task + last.terms["hidden/l1"], 6);
    expect(Object.keys(hBase.epochs[0].terms)).toEqual(["task"]);
    expect(Object.keys(hOvr.epochs[0].terms)).toEqual(["task", "hidden/ovr"]);
    // the task is still learned, and the penalty term itself went down
    expect(last.metrics.valAccuracy).toBeGreaterThan(0.85);
    expect(hBase.epochs.at(-1)!.metrics.valAccuracy).toBeGreaterThan(0.9);
    expect(last.terms["hidden/l1"]).toBeLessThan(hL1.epochs[0].terms["hidden/l1"]);
    expect(last.metrics.valLoss).toBeLessThan(hL1.epochs[0].metrics.valLoss);
  });

  it("computes task loss and penalties on two layers in one forward pass, each term = weight * objective", async () => {
    const model = twoHidden();
    // Full batch: the first step sees all samples (in shuffled order; l1 and OVR do not care).
    const h1 = hiddenCodes(model, "h1");
    const h2 = hiddenCodes(model, "h2");
    const expected = {
      task: tf.mean(tf.metrics.categoricalCrossentropy(y, model.predict(x) as tf.Tensor)).dataSync()[0],
      "h1/l1": 0.01 * l1Penalty(h1).dataSync()[0],
      "h2/ovr": 1e-4 * ovrOverlap(h2).dataSync()[0],
      h1cos: 0.5 * ovrOverlap(h1, { normalize: true, reduction: "mean" }).dataSync()[0],
    };
    const steps: BatchInfo[] = [];
    const h = await fitSparse(model, x, y, {
      ...common,
      epochs: 3,
      batchSize: N,
      penalties: [
        { layer: "h1", objective: "l1", weight: 0.01 },
        { layer: "h2", objective: "ovr", weight: 1e-4 },
        { layer: "h1", objective: "ovr", weight: 0.5, options: { normalize: true, reduction: "mean" }, name: "h1cos" },
      ],
      callbacks: { onBatchEnd: (info) => void steps.push(info) },
    });
    expect(Object.keys(steps[0].terms)).toEqual(["task", "h1/l1", "h2/ovr", "h1cos"]);
    for (const [k, v] of Object.entries(expected)) expect(steps[0].terms[k]).toBeCloseTo(v, 5);
    expect(h.steps).toBe(3);
    expect(h.epochs[2].loss).toBeLessThan(h.epochs[0].loss);
  });

  it("gives identical histories for the same seed", async () => {
    const opts: FitSparseOptions = { ...common, epochs: 3, penalties: [{ layer: "hidden", objective: "ovr", weight: 1e-3 }], validationData: [x, y] };
    const a = mlp();
    const b = mlp();
    const c = mlp();
    const before = tf.memory().numTensors;
    const ha = await fitSparse(a, x, y, opts);
    expect(tf.memory().numTensors).toBe(before); // no leak (the optimizer made from the spec is disposed)
    const hb = await fitSparse(b, x, y, opts);
    const hc = await fitSparse(c, x, y, { ...opts, seed: 2 });
    expect(stable(hb)).toEqual(stable(ha));
    expect(Array.from(b.getWeights()[0].dataSync())).toEqual(Array.from(a.getWeights()[0].dataSync()));
    expect(stable(hc)).not.toEqual(stable(ha));
  });

  it("resumes from a checkpoint to the weights of an uninterrupted run", async () => {
    const opts = (dir: string): FitSparseOptions => ({ ...common, epochs: 4, batchSize: 32, checkpoint: { dir }, penalties: [{ layer: "hidden", objective: "l1", weight: 0.01 }] });
    const full = mlp();
    const hFull = await fitSparse(full, x, y, opts(await fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-fs-"))));
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-fs-"));
    const cut = await fitSparse(mlp(), x, y, { ...opts(dir), stopAfterSteps: 7 });
    expect(cut.stopped?.reason).toBe("stopAfterSteps");
    const resumed = mlp();
    const h = await fitSparse(resumed, x, y, { ...opts(dir), resume: true });
    expect(h.resumedFrom?.epoch).toBe(2);
    expect(stable(h)).toEqual(stable(hFull));
    const wa = full.getWeights().map((t) => Array.from(t.dataSync()));
    const wb = resumed.getWeights().map((t) => Array.from(t.dataSync()));
    expect(wb).toEqual(wa);
  });

  it("supports the other task losses and a custom loss function", async () => {
    const small = { ...common, epochs: 3, batchSize: 32 };
    const sparse = await fitSparse(mlp(), x, labels, { ...small, loss: "sparseCategoricalCrossentropy", validationData: [x, labels] });
    const dense = await fitSparse(mlp(), x, y, { ...small, validationData: [x, y] });
    // sparse labels and one-hot labels are the same problem
    expect(stable(sparse).map((e) => e.loss)).toEqual(stable(dense).map((e) => e.loss).map((v) => expect.closeTo(v, 5)));
    expect(sparse.epochs[2].metrics.valAccuracy).toBeCloseTo(dense.epochs[2].metrics.valAccuracy, 10);

    const mse = await fitSparse(mlp(), x, y, { ...small, loss: "meanSquaredError", validationData: [x, y] });
    expect(mse.epochs[2].metrics.valAccuracy).toBeUndefined();
    expect(mse.epochs[2].loss).toBeLessThan(mse.epochs[0].loss);
    const custom = await fitSparse(mlp(), x, y, { ...small, loss: (t, p) => tf.sum(tf.abs(tf.sub(t, p)), -1) });
    expect(custom.epochs[2].loss).toBeLessThan(custom.epochs[0].loss);

    const bin = tf.sequential();
    bin.add(tf.layers.dense({ units: 6, inputShape: [4], activation: "relu", name: "hidden" }));
    bin.add(tf.layers.dense({ units: 1, activation: "sigmoid", name: "out" }));
    const yb = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1, true), 0), "float32"));
    const hb = await fitSparse(bin, x, yb, { ...small, loss: "binaryCrossentropy", validationData: [x, yb], epochs: 8 });
    expect(hb.epochs[7].metrics.valAccuracy).toBeGreaterThan(0.6);
  });

  it("rejects bad penalty specs with messages that list the alternatives", async () => {
    const m = mlp();
    const run = (penalties: unknown) => fitSparse(m, x, y, { ...common, epochs: 1, penalties: penalties as never });
    await expect(run([{ layer: "hiden", objective: "l1", weight: 1 }])).rejects.toThrow(
      "fitSparse: penalty [0] (hiden/l1): layer 'hiden' is not in the model; its layers are: hidden, out.",
    );
    await expect(run([{ layer: "hidden", objective: "sparsity", weight: 1 }])).rejects.toThrow(/unknown objective "sparsity"; known objectives: l1, kl, saturation, ovr/);
    await expect(run([{ layer: "hidden", objective: "l1", weight: -1 }])).rejects.toThrow(/fitSparse: argument 'penalties' is invalid: \[0\]\.weight: .*>=0/);
    await expect(run([{ layer: "hidden", objective: "l1" }])).rejects.toThrow(/\[0\]\.weight/);
    await expect(run([{ layer: "hidden", objective: "l1", weight: 1, wieght: 2 }])).rejects.toThrow(/wieght/);
    await expect(run({ layer: "hidden" })).rejects.toThrow(/argument 'penalties' is invalid/);
    await expect(run([{ layer: "hidden", objective: "kl", weight: 1 }])).rejects.toThrow(/objective "kl" needs option 'rho'/);
    await expect(run([{ layer: "hidden", objective: "ovr", weight: 1, options: { reduce: "sum" } }])).rejects.toThrow(/unknown option 'reduce' for objective "ovr"; known options: reduction, normalize, eps/);
    await expect(run([{ layer: "hidden", objective: "ovr", weight: 1, options: { reduction: "max" } }])).rejects.toThrow(/option 'reduction' must be one of "sum", "mean", got "max"/);
    await expect(run([{ layer: "hidden", objective: "saturation", weight: 1, options: { activation: "relu" } }])).rejects.toThrow(/applies activation "relu"/);
    await expect(run([{ layer: "hidden", objective: "l1", weight: 1 }, { layer: "hidden", objective: "l1", weight: 2 }])).rejects.toThrow(/duplicate term name 'hidden\/l1'/);
    const err = await run([{ layer: "nope", objective: "l1", weight: 1 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SparsekitError);
  });

  it("rejects bad models, data and options", async () => {
    const m = mlp();
    await expect(fitSparse(m, x, tf.zeros([N, 4]), { ...common, epochs: 1 })).rejects.toThrow(/argument 'y' must have shape \[96, 3\]/);
    await expect(fitSparse(m, tf.zeros([N, 5]), y, { ...common, epochs: 1 })).rejects.toThrow(/argument 'x' must have shape \[-1, 4\]/);
    await expect(fitSparse(m, x, tf.zeros([N - 1, 3]), { ...common, epochs: 1 })).rejects.toThrow(/'y' must have 96 samples/);
    await expect(fitSparse(m, x, tf.fill([N], 3), { ...common, loss: "sparseCategoricalCrossentropy", epochs: 1 })).rejects.toThrow(/integer labels in \[0, 2\], got values in \[3, 3\]/);
    await expect(fitSparse(m, x, y, { ...common, loss: "hinge" as never, epochs: 1 })).rejects.toThrow(/option 'loss' must be one of/);
    await expect(fitSparse(m, x, y, { ...common, epochs: 1, lr: 1 } as never)).rejects.toThrow(/unknown option 'lr'/);
    await expect(fitSparse(tf.sequential(), x, y, { ...common, epochs: 1 })).rejects.toThrow(/'model' is not built/);
    const input = tf.input({ shape: [4] });
    const a = tf.layers.dense({ units: 3, activation: "softmax" }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3, activation: "softmax" }).apply(input) as tf.SymbolicTensor;
    const twoOut = tf.model({ inputs: input, outputs: [a, b] });
    await expect(fitSparse(twoOut, x, y, { ...common, epochs: 1 })).rejects.toThrow(/one input and one output, got 1 input\(s\) and 2 output\(s\)/);
    await expect(fitSparse({} as tf.LayersModel, x, y, { ...common, epochs: 1 })).rejects.toThrow(/argument 'model' must be a tf.LayersModel/);
  });
});
