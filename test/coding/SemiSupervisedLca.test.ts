import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/index.js";
import { lcaInference } from "../../src/coding/lcaInference.js";
import { SemiSupervisedLca, type SemiSupervisedLcaConfig } from "../../src/coding/SemiSupervisedLca.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";
import { checkGradient } from "../../src/verify/index.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const D = 24;
const M = 32;
const K = 3;
const base: SemiSupervisedLcaConfig = { inputSize: D, atoms: M, numClasses: K, lambdaS: 0.2, inferenceIterations: 60, seed: 3 };

/** Three classes: noisy copies of three random prototypes. */
function toyData(n: number, seed: number): { x: tf.Tensor2D; labels: number[] } {
  return tf.tidy(() => {
    const protos = tf.mul(tf.randomNormal([K, D], 0, 1, "float32", 100), 1.5);
    const labels = Array.from({ length: n }, (_, i) => i % K);
    const x = tf.add(tf.gather(protos, tf.tensor1d(labels, "int32")), tf.randomNormal([n, D], 0, 0.4, "float32", seed)) as tf.Tensor2D;
    return { x: tf.keep(x), labels };
  });
}

describe("SemiSupervisedLca", () => {
  const dir = mkdtempSync(join(tmpdir(), "sslca-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("with lambdaE = gamma = 0 its inference equals plain LCA on the same inputs", () => {
    const model = SemiSupervisedLca.create(base);
    const { x, labels } = toyData(12, 1);
    const a = model.encode(x, { supervision: { labels }, recordEnergy: true });
    const b = lcaInference(x, model.phi, { lambda: base.lambdaS, iterations: 60, recordEnergy: true });
    const ca = a.codes.dataSync();
    const cb = b.codes.dataSync();
    let maxDiff = 0;
    for (let i = 0; i < ca.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ca[i]! - cb[i]!));
    expect(maxDiff).toBeLessThan(1e-5);
    expect(ca.some((v) => v !== 0)).toBe(true);
    a.energy!.forEach((e, i) => expect(e).toBeCloseTo(b.energy![i]!, 4));
    tf.dispose([a.codes, a.u, b.codes, b.u, x]);
    model.dispose();
  });

  it("the extra gradient (entropy + classification through a/||a||) equals finite differences", () => {
    for (const batchTerm of ["perUnit", "marginal"] as const) {
      const model = SemiSupervisedLca.create({ ...base, lambdaE: 0.7, gamma: 1.3, batchTerm, entropyLambda: 0.5 });
      // Non-trivial W so the classification gradient is not tiny.
      model.w.assign(tf.randomNormal([M, K], 0, 1, "float32", 7) as tf.Tensor2D);
      const codes = tf.randomNormal([5, M], 0, 1, "float32", 8) as tf.Tensor2D;
      const supervision = { labels: [0, 2, -1, 1, -1], mask: [1, 1, 0, 1, false] };
      const res = checkGradient((a) => model.extraEnergy(a as tf.Tensor2D, supervision), codes, { eps: 1e-2 });
      expect(res.relativeError).toBeLessThan(1e-2);
      const g = model.extraGradient(codes, supervision);
      const gv = g.dataSync();
      let diff = 0;
      for (let i = 0; i < gv.length; i++) diff = Math.max(diff, Math.abs(gv[i]! - res.analytic[i]!));
      expect(diff).toBeLessThan(1e-5);
      tf.dispose([codes, g]);
      model.dispose();
    }
  });

  it("the classification gradient only involves labelled samples and vanishes on a silent code", () => {
    const model = SemiSupervisedLca.create({ ...base, gamma: 1 });
    model.w.assign(tf.randomNormal([M, K], 0, 1, "float32", 9) as tf.Tensor2D);
    const codes = tf.tidy(() => tf.concat([tf.randomNormal([2, M], 0, 1, "float32", 10), tf.zeros([1, M])]) as tf.Tensor2D);
    const g = model.extraGradient(codes, { labels: [1, 0, 2], mask: [1, 0, 1] });
    const rows = g.arraySync();
    expect(rows[0]!.some((v) => Math.abs(v) > 1e-4)).toBe(true);
    expect(rows[1]!.every((v) => v === 0)).toBe(true);
    expect(rows[2]!.every((v) => v === 0 && Number.isFinite(v))).toBe(true);
    tf.dispose([codes, g]);
    model.dispose();
  });

  it("labels push the inferred codes of labelled samples towards their class", () => {
    const model = SemiSupervisedLca.create({ ...base, gamma: 5 });
    model.w.assign(tf.randomNormal([M, K], 0, 2, "float32", 9) as tf.Tensor2D);
    const { x, labels } = toyData(9, 2);
    const plain = model.encode(x);
    const sup = model.encode(x, { supervision: { labels } });
    const lossPlain = model.classificationLoss(plain.codes, { labels });
    const lossSup = model.classificationLoss(sup.codes, { labels });
    expect(lossSup).toBeLessThan(lossPlain);
    tf.dispose([plain.codes, plain.u, sup.codes, sup.u, x]);
    model.dispose();
  });

  it("a tiny training run lowers the CE of labelled samples and predicts unlabelled ones", () => {
    const model = SemiSupervisedLca.create({ ...base, lambdaE: 0.05, gamma: 0.5, classifierLearningRate: 0.05, inferenceIterations: 40 });
    const { x, labels } = toyData(30, 3);
    const mask = labels.map((_, i) => (i < 9 ? 1 : 0)); // 9 labelled (3 per class), 21 unlabelled
    const supervision = { labels: labels.map((y, i) => (mask[i] ? y : -1)), mask };
    const before = tf.tidy(() => {
      const { codes } = model.encode(x);
      return model.classificationLoss(codes, { labels: labels.slice(0, 9).concat(Array(21).fill(-1)), mask });
    });
    const records = [];
    for (let s = 0; s < 40; s++) records.push(model.step(x, supervision, { dictionaryLearningRate: 0.02 }));
    expect(records.every((r) => r.labelled === 9 && Number.isFinite(r.classificationLoss) && Number.isFinite(r.entropy))).toBe(true);
    const after = tf.tidy(() => {
      const { codes } = model.encode(x);
      return model.classificationLoss(codes, supervision);
    });
    expect(after).toBeLessThan(0.5 * before);
    expect(model.stepCount).toBe(40);
    const pred = model.predict(x);
    let correct = 0;
    for (let i = 9; i < 30; i++) if (pred[i] === labels[i]) correct++;
    expect(correct / 21).toBeGreaterThan(0.8);
    const p = model.predictProba(x);
    expect(p.shape).toEqual([30, K]);
    p.dispose();
    x.dispose();
    model.dispose();
  });

  it("leaks no tensors in encode, step, predict and energy", () => {
    const model = SemiSupervisedLca.create({ ...base, lambdaE: 0.1, gamma: 0.5, inferenceIterations: 5 });
    const { x, labels } = toyData(6, 4);
    const sup = { labels, mask: [1, 0, 1, 0, 1, 0] };
    model.step(x, sup); // Adam creates its slots on the first step
    const zeroCodes = tf.zeros([6, M]) as tf.Tensor2D;
    const n0 = tf.memory().numTensors;
    const r = model.encode(x, { supervision: sup, recordEnergy: true });
    tf.dispose([r.codes, r.u]);
    model.step(x, sup);
    model.predict(x);
    model.energy(x, zeroCodes, sup).dispose();
    model.extraGradient(zeroCodes, sup).dispose();
    expect(tf.memory().numTensors).toBe(n0);
    tf.dispose([x, zeroCodes]);
    model.dispose();
  });

  it("save and load round-trip Phi, W, bias and the config", async () => {
    const model = SemiSupervisedLca.create({ ...base, gamma: 0.3 });
    const { x, labels } = toyData(6, 5);
    model.step(x, { labels });
    await model.save(dir);
    const loaded = await SemiSupervisedLca.load(dir);
    expect(loaded.config).toEqual(model.config);
    expect(loaded.stepCount).toBe(1);
    for (const k of ["phi", "w", "bias"] as const) expect(Array.from(loaded[k].dataSync())).toEqual(Array.from(model[k].dataSync()));
    expect(Array.from(loaded.predict(x))).toEqual(Array.from(model.predict(x)));
    await expect(SemiSupervisedLca.load(join(dir, "missing"))).rejects.toThrow(SparsekitError);
    x.dispose();
    model.dispose();
    loaded.dispose();
  });

  it("rejects bad input with SparsekitError messages", () => {
    const model = SemiSupervisedLca.create({ ...base, lambdaE: 0.1 });
    const { x, labels } = toyData(4, 6);
    const one = tf.slice(x, [0, 0], [1, D]) as tf.Tensor2D;
    expect(() => model.encode(one)).toThrow(/at least 2 samples when lambdaE > 0/);
    expect(() => model.encode(tf.zeros([4, D + 1]) as tf.Tensor2D)).toThrow(/phi/);
    expect(() => model.step(x, { labels: [0, 1, 2] })).toThrow(/one entry per sample \(4\)/);
    expect(() => model.step(x, { labels: [0, 1, 3, 0] })).toThrow(/\[0, 2\].*got 3 at index 2/);
    expect(() => model.step(x, { labels: [0, 1, 3, 0], mask: [1, 1, 2, 1] })).toThrow(/mask.*got 2 at index 2/);
    expect(() => model.step(x, { labels: [0, 1, -1, 0], mask: [1, 1] })).toThrow(/mask/);
    expect(() => model.extraEnergy(tf.zeros([4, M + 1]) as tf.Tensor2D)).toThrow(/codes.*\[B, 32\]/);
    expect(() => SemiSupervisedLca.create({ ...base, numClasses: 1 })).toThrow(/numClasses/);
    expect(() => SemiSupervisedLca.create({ ...base, entropyBeta: 0 })).toThrow(/entropyBeta/);
    expect(() => SemiSupervisedLca.create({ ...base, lambdaE: -1 })).toThrow(SparsekitError);
    expect(() => SemiSupervisedLca.create({ ...base, gama: 1 } as SemiSupervisedLcaConfig)).toThrow(/unknown option 'gama'/);
    expect(() => SemiSupervisedLca.create(base, tf.zeros([D, M + 2]) as tf.Tensor2D)).toThrow(/initialPhi/);
    void labels;
    tf.dispose([x, one]);
    model.dispose();
  });
});
