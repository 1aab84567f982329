import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { lcaInference } from "../../src/coding/lcaInference.js";
import { SemiSupervisedLca, type SemiSupervisedLcaConfig } from "../../src/coding/SemiSupervisedLca.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";
import { checkGradient } from "../../src/verify/index.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const D = 24;
const M = 32;
const C = 3;
const base: SemiSupervisedLcaConfig = { inputSize: D, atoms: M, numClasses: C, lambda: 0.2, iterations: 60, seed: 3 };

/** C classes: noisy copies of C random prototypes; labels cycle 0, 1, 2, ... */
function toyData(n: number, seed: number): { x: tf.Tensor2D; labels: Int32Array } {
  const labels = Int32Array.from({ length: n }, (_, i) => i % C);
  const x = tf.tidy(() => {
    const protos = tf.mul(tf.randomNormal([C, D], 0, 1, "float32", 100), 1.5);
    return tf.add(tf.gather(protos, tf.tensor1d(labels, "int32")), tf.randomNormal([n, D], 0, 0.4, "float32", seed)) as tf.Tensor2D;
  });
  return { x, labels };
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe("SemiSupervisedLca inference", () => {
  it("with lambda_e = gamma = 0 equals plain LCA (lcaInference) on the same inputs, soft and hard", () => {
    for (const threshold of ["soft", "hard"] as const) {
      const model = SemiSupervisedLca.create({ ...base, gamma: 0, threshold });
      const { x, labels } = toyData(12, 1);
      const a = model.infer(x, { labels, recordEnergy: true });
      const b = lcaInference(x, model.phi, { lambda: base.lambda, iterations: 60, threshold, recordEnergy: true });
      expect(maxAbsDiff(a.codes, b.codes)).toBe(0);
      expect(maxAbsDiff(a.u, b.u)).toBe(0);
      expect(tf.tidy(() => tf.sum(tf.abs(a.codes)).dataSync()[0])).toBeGreaterThan(0);
      a.energy!.forEach((e, i) => expect(e).toBeCloseTo(b.energy![i]!, 4));
      tf.dispose([a.codes, a.u, b.codes, b.u, x]);
      model.dispose();
    }
  });

  it("with gamma > 0 but no labelled sample it is also plain LCA; with labels it is not", () => {
    const model = SemiSupervisedLca.create({ ...base, gamma: 2 });
    model.setClassifier(tf.randomNormal([M, C], 0, 2, "float32", 9) as tf.Tensor2D);
    const { x, labels } = toyData(9, 2);
    const plain = lcaInference(x, model.phi, { lambda: base.lambda, iterations: 60 });
    const none = model.infer(x, { labels, mask: new Array(9).fill(0) });
    const some = model.infer(x, { labels });
    expect(maxAbsDiff(none.codes, plain.codes)).toBe(0);
    expect(maxAbsDiff(some.codes, plain.codes)).toBeGreaterThan(1e-3);
    tf.dispose([plain.codes, plain.u, none.codes, none.u, some.codes, some.u, x]);
    model.dispose();
  });

  it("the extra gradient of the model equals finite differences of its extra energy (checkGradient)", () => {
    for (const batchTerm of ["perUnit", "marginal"] as const) {
      const model = SemiSupervisedLca.create({ ...base, entropyWeight: 0.7, gamma: 1.3, batchTerm, entropyLambda: 0.5 });
      model.setClassifier(tf.randomNormal([M, C], 0, 1, "float32", 7) as tf.Tensor2D);
      const codes = tf.randomNormal([5, M], 0, 1, "float32", 8) as tf.Tensor2D;
      const supervision = { labels: [0, 2, -1, 1, -1], mask: [1, 1, 0, 1, false] };
      const res = checkGradient((a) => model.extraEnergy(a as tf.Tensor2D, supervision), codes, { eps: 1e-2 });
      expect(res.relativeError).toBeLessThan(5e-3);
      const g = model.extraGradient(codes, supervision);
      const gv = g.dataSync();
      let diff = 0;
      for (let i = 0; i < gv.length; i++) diff = Math.max(diff, Math.abs(gv[i]! - res.analytic[i]!));
      expect(diff).toBeLessThan(1e-5);
      tf.dispose([codes, g]);
      model.dispose();
    }
  });

  it("labels pull the codes of labelled samples towards their class; the entropy term changes the codes", () => {
    const model = SemiSupervisedLca.create({ ...base, gamma: 5 });
    model.setClassifier(tf.randomNormal([M, C], 0, 2, "float32", 9) as tf.Tensor2D);
    const { x, labels } = toyData(9, 2);
    const ce = (codes: tf.Tensor2D) => tf.tidy(() => model.extraEnergy(codes, { labels }).dataSync()[0]!);
    const plain = model.infer(x);
    const supervised = model.infer(x, { labels });
    expect(ce(supervised.codes)).toBeLessThan(ce(plain.codes));
    const withEntropy = SemiSupervisedLca.create({ ...base, entropyWeight: 2, gamma: 0 });
    const e = withEntropy.infer(x);
    expect(maxAbsDiff(e.codes, plain.codes)).toBeGreaterThan(1e-3);
    // Reusing the entropy gradient over 3 iterations approximates the exact dynamics.
    const lagged = SemiSupervisedLca.create({ ...base, entropyWeight: 2, gamma: 0, entropyInterval: 3 });
    const l = lagged.infer(x);
    expect(maxAbsDiff(l.codes, e.codes)).toBeLessThan(0.2 * maxAbsDiff(e.codes, plain.codes));
    tf.dispose([plain.codes, plain.u, supervised.codes, supervised.u, e.codes, e.u, l.codes, l.u, x]);
    [model, withEntropy, lagged].forEach((m) => m.dispose());
  });
});

describe("SemiSupervisedLca training", () => {
  it("a tiny training run lowers the cross-entropy of labelled samples and predicts unlabelled ones", () => {
    const model = SemiSupervisedLca.create({ ...base, entropyWeight: 0.05, gamma: 0.5, classifierLearningRate: 0.05, iterations: 40 });
    const { x, labels } = toyData(30, 3);
    const mask = Array.from(labels, (_, i) => (i < 9 ? 1 : 0)); // 9 labelled (3 per class), 21 unlabelled
    const supervision = { labels: Array.from(labels, (y, i) => (mask[i] ? y : -1)), mask };
    const labelledX = tf.slice(x, [0, 0], [9, D]) as tf.Tensor2D;
    const labelledY = labels.slice(0, 9);
    const before = model.evaluate(labelledX, labelledY);
    const records = model.fit(x, supervision, { epochs: 8, batchSize: 10, labelledPerBatch: 3, dictionaryLearningRate: 0.02 });
    expect(records).toHaveLength(24);
    expect(model.stepCount).toBe(24);
    expect(records.every((r) => r.labelled >= 3 && Number.isFinite(r.crossEntropy) && Number.isFinite(r.energy))).toBe(true);
    const after = model.evaluate(labelledX, labelledY);
    expect(after.crossEntropy).toBeLessThan(0.5 * before.crossEntropy);
    const pred = model.predict(x, { batchSize: 8 });
    let correct = 0;
    for (let i = 9; i < 30; i++) if (pred[i] === labels[i]) correct++;
    expect(correct / 21).toBeGreaterThan(0.8);
    const viaLogits = tf.tidy(() => tf.argMax(model.logits(model.encode(x, { batchSize: 8 })), 1).dataSync());
    expect(Array.from(viaLogits)).toEqual(Array.from(pred));
    const p = model.predictProba(x, { batchSize: 8 });
    expect(p.shape).toEqual([30, C]);
    tf.tidy(() => tf.sum(p, 1).dataSync()).forEach((s) => expect(s).toBeCloseTo(1, 5));
    tf.dispose([p, x, labelledX]);
    model.dispose();
  });

  it("more classifier steps per batch fit the batch's labels faster (same codes, same start)", () => {
    const { x, labels } = toyData(12, 7);
    const ce = (steps: number) => {
      const model = SemiSupervisedLca.create({ ...base, gamma: 0, classifierSteps: steps, classifierLearningRate: 0.05 });
      model.step(x, { labels });
      const r = model.step(x, { labels }); // cross-entropy on this batch before its own classifier steps
      model.dispose();
      return r.crossEntropy;
    };
    expect(ce(5)).toBeLessThan(ce(1));
    x.dispose();
  });

  it("the Hebbian step lowers the reconstruction error with labels present; setDictionary renormalises", () => {
    const model = SemiSupervisedLca.create({ ...base, gamma: 1 });
    const { x, labels } = toyData(30, 4);
    const records = model.fit(x, { labels }, { epochs: 10, batchSize: 15, dictionaryLearningRate: 0.1 });
    expect(records[records.length - 1]!.reconstructionMse).toBeLessThan(records[0]!.reconstructionMse);
    model.setDictionary(tf.mul(model.phi, 3) as tf.Tensor2D);
    tf.tidy(() => tf.norm(model.phi, 2, 0).dataSync()).forEach((n) => expect(n).toBeCloseTo(1, 5));
    x.dispose();
    model.dispose();
  });

  it("leaks no tensors in infer, encode, step, fit, predict, evaluate and the extra terms", () => {
    const model = SemiSupervisedLca.create({ ...base, entropyWeight: 0.1, gamma: 0.5, iterations: 5, entropyInterval: 2 });
    const { x, labels } = toyData(6, 4);
    const sup = { labels, mask: [1, 0, 1, 0, 1, 0] };
    model.step(x, sup); // Adam creates its slots on the first step
    const zeroCodes = tf.zeros([6, M]) as tf.Tensor2D;
    const n0 = tf.memory().numTensors;
    const r = model.infer(x, { ...sup, recordEnergy: true });
    tf.dispose([r.codes, r.u]);
    model.encode(x, { batchSize: 4 }).dispose();
    model.step(x, sup);
    model.fit(x, sup, { epochs: 1, batchSize: 3, labelledPerBatch: 1 });
    model.predict(x);
    model.evaluate(x, labels);
    model.extraEnergy(zeroCodes, sup).dispose();
    model.extraGradient(zeroCodes, sup).dispose();
    expect(tf.memory().numTensors).toBe(n0);
    tf.dispose([x, zeroCodes]);
    model.dispose();
  });
});

describe("SemiSupervisedLca persistence and validation", () => {
  const dir = mkdtempSync(join(tmpdir(), "sslca-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("save and load round-trip Phi, W, bias, the config and the step count", async () => {
    const model = SemiSupervisedLca.create({ ...base, gamma: 0.3 });
    const { x, labels } = toyData(6, 5);
    model.step(x, { labels });
    await model.save(dir);
    const loaded = await SemiSupervisedLca.load(dir);
    expect(loaded.config).toEqual(model.config);
    expect(loaded.stepCount).toBe(1);
    for (const k of ["phi", "weights", "bias"] as const) expect(Array.from(loaded[k].dataSync())).toEqual(Array.from(model[k].dataSync()));
    expect(Array.from(loaded.predict(x))).toEqual(Array.from(model.predict(x)));
    await expect(SemiSupervisedLca.load(join(dir, "missing"))).rejects.toThrow(SparsekitError);
    x.dispose();
    model.dispose();
    loaded.dispose();
  });

  it("rejects bad input with SparsekitError messages that name the argument", () => {
    const model = SemiSupervisedLca.create({ ...base, entropyWeight: 0.1 });
    const { x } = toyData(4, 6);
    const one = tf.slice(x, [0, 0], [1, D]) as tf.Tensor2D;
    expect(() => model.infer(one)).toThrow(/argument 'x' must be a batch of at least 2 samples \(the entropy term/);
    expect(() => model.encode(one)).toThrow(SparsekitError);
    expect(() => model.infer(tf.zeros([4, D + 1]) as tf.Tensor2D)).toThrow(/phi/);
    expect(() => model.step(x, { labels: [0, 1, 2] })).toThrow(/'labels' must have one entry per sample \(4\)/);
    expect(() => model.step(x, { labels: [0, 1, 3, 0] })).toThrow(/\[0, 2\].*got 3 at index 2/);
    expect(() => model.step(x, { labels: [0, 1, -1, 0], mask: [1, 1, 0, 1] })).not.toThrow();
    expect(() => model.step(x, { labels: [0, 1, 0, 0], mask: [1, 1, 2, 1] })).toThrow(/'mask' must hold 0\/1.*got 2 at index 2/);
    expect(() => model.step(x, { labels: [0, 1, 0, 0], mask: [1, 1] })).toThrow(/'mask' must have one entry per sample/);
    expect(() => model.step(x, { mask: [1, 1, 1, 1] })).toThrow(/'mask' was given without 'labels'/);
    expect(() => model.step(x, { labels: tf.tensor1d([0, 1, 2, 0]) as unknown as number[] })).toThrow(/dataSync/);
    expect(() => model.infer(x, { initialU: tf.zeros([4, M + 1]) as tf.Tensor2D })).toThrow(/initialU/);
    expect(() => model.extraEnergy(tf.zeros([4, M + 1]) as tf.Tensor2D)).toThrow(/codes.*\[B, 32\]/);
    expect(() => model.fit(x, {}, { epochs: 1, labelledPerBatch: 2 })).toThrow(/no row is labelled/);
    expect(() => model.fit(x, {}, { epochs: 1, batchSize: 1 })).toThrow(/at least 2 samples/);
    expect(() => model.fit(x, {}, { epochs: 0 })).toThrow(/epochs/);
    expect(() => model.setDictionary(tf.zeros([D, M + 1]) as tf.Tensor2D)).toThrow(/setDictionary.*\[24, 32\]/);
    expect(() => model.setClassifier(tf.zeros([M, C + 1]) as tf.Tensor2D)).toThrow(/setClassifier: argument 'weights'.*\[32, 3\]/);
    expect(() => model.setClassifier(tf.zeros([M, C]) as tf.Tensor2D, tf.zeros([2]) as tf.Tensor1D)).toThrow(/'bias'/);
    // tau = 1 with strongly correlated atoms: lambda_max(Phi^T Phi) = 32 > 2 tau, the dynamics blow up.
    const unstable = SemiSupervisedLca.create({ ...base, tau: 1, iterations: 200 });
    unstable.setDictionary(tf.add(tf.ones([D, M]), tf.randomNormal([D, M], 0, 0.01, "float32", 1)) as tf.Tensor2D);
    expect(() => unstable.infer(x)).toThrow(/LCA diverged.*increase tau \(now 1\)/);
    unstable.dispose();
    expect(() => SemiSupervisedLca.create({ ...base, numClasses: 1 })).toThrow(/numClasses/);
    expect(() => SemiSupervisedLca.create({ ...base, entropyBeta: 0 })).toThrow(/entropyBeta/);
    expect(() => SemiSupervisedLca.create({ ...base, entropyWeight: -1 })).toThrow(/entropyWeight/);
    expect(() => SemiSupervisedLca.create({ ...base, normEpsilon: 0 })).toThrow(/normEpsilon/);
    expect(() => SemiSupervisedLca.create({ ...base, gama: 1 } as SemiSupervisedLcaConfig)).toThrow(/unknown option 'gama'/);
    tf.dispose([x, one]);
    model.dispose();
  });
});
