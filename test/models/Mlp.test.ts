import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { sphereDataset } from "../../src/data/node.js";
import { fractionZeros } from "../../src/metrics/index.js";
import { Mlp } from "../../src/models/Mlp.js";
import { ovrOverlap } from "../../src/objectives/ovrOverlap.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

let x: tf.Tensor2D;
let y: tf.Tensor2D;
let xTest: tf.Tensor2D;
let labels: Int32Array;

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
  const d = sphereDataset({ n: 600, latBands: 4, lonSectors: 4, seed: 3 });
  x = d.x.slice([0, 0], [400, 3]);
  xTest = d.x.slice([400, 0], [200, 3]);
  labels = d.labels.slice(0, 400);
  y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, "int32"), 10), "float32") as tf.Tensor2D);
  d.x.dispose();
});

afterAll(() => tf.dispose([x, y, xTest]));

describe("Mlp", () => {
  it("has the configured shapes and seeded He-normal weights", () => {
    const a = Mlp.create({ inputSize: 3, hiddenSizes: [8, 5], outputSize: 4, seed: 7 });
    const b = Mlp.create({ inputSize: 3, hiddenSizes: [8, 5], outputSize: 4, seed: 7 });
    const c = Mlp.create({ inputSize: 3, hiddenSizes: [8, 5], outputSize: 4, seed: 8 });
    expect(Object.keys(a.variables)).toEqual(["hidden1.kernel", "hidden1.bias", "hidden2.kernel", "hidden2.bias", "output.kernel", "output.bias"]);
    expect(a.variables["hidden2.kernel"].shape).toEqual([8, 5]);
    expect(a.variables["output.kernel"].shape).toEqual([5, 4]);
    expect(Array.from(a.variables["hidden1.kernel"].dataSync())).toEqual(Array.from(b.variables["hidden1.kernel"].dataSync()));
    expect(Array.from(a.variables["hidden1.kernel"].dataSync())).not.toEqual(Array.from(c.variables["hidden1.kernel"].dataSync()));
    const out = a.forward(tf.ones([6, 3]) as tf.Tensor2D);
    expect(out.hidden.map((h) => h.shape)).toEqual([[6, 8], [6, 5]]);
    expect(out.logits.shape).toEqual([6, 4]);
    expect(Math.min(...out.hidden[0].dataSync())).toBeGreaterThanOrEqual(0);
    const p = a.predictProba(tf.ones([6, 3]) as tf.Tensor2D);
    const rowSums = tf.sum(p, 1).dataSync();
    rowSums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    [a, b, c].forEach((m) => m.dispose());
  });

  it("training lowers the cross-entropy loss and raises train accuracy", async () => {
    const m = Mlp.create({ inputSize: 3, hiddenSizes: [32], outputSize: 10, seed: 1 });
    const before = tf.tidy(() => m.lossTerms(x, y).crossEntropy.dataSync()[0]);
    const acc0 = m.accuracy(x, labels);
    const h = await m.fit({ x, y }, { epochs: 15, batchSize: 64, learningRate: 1e-2, seed: 1 });
    const after = tf.tidy(() => m.lossTerms(x, y).crossEntropy.dataSync()[0]);
    expect(h.epochs).toHaveLength(15);
    expect(h.epochs[14].loss).toBeLessThan(h.epochs[0].loss);
    expect(after).toBeLessThan(0.8 * before);
    expect(m.accuracy(x, labels)).toBeGreaterThan(acc0 + 0.2);
    expect(m.relativeChange("hidden1.kernel")).toBeGreaterThan(0);
    m.dispose();
  });

  it("the OVR penalty (objective registry 'ovr') raises held-out hidden sparsity", async () => {
    const sparsity: number[] = [];
    const overlap: number[] = [];
    for (const weight of [0, 1e-3]) {
      const m = Mlp.create({ inputSize: 3, hiddenSizes: [32], outputSize: 10, seed: 2 });
      const h = await m.fit({ x, y }, { epochs: 10, batchSize: 64, learningRate: 1e-2, seed: 2, penalty: { objective: "ovr", weight } });
      expect(Object.keys(h.epochs[0].terms)).toEqual(weight > 0 ? ["crossEntropy", "ovr"] : ["crossEntropy"]);
      const codes = m.hiddenCodes(xTest);
      sparsity.push(fractionZeros(codes));
      overlap.push(tf.tidy(() => ovrOverlap(codes, { reduction: "mean" }).dataSync()[0]));
      codes.dispose();
      m.dispose();
    }
    expect(sparsity[1]).toBeGreaterThan(sparsity[0] + 0.1);
    expect(overlap[1]).toBeLessThan(overlap[0]);
  });

  it("adds weight * objective(H) as its own term, summed over penalised layers", () => {
    const m = Mlp.create({ inputSize: 3, hiddenSizes: [6, 4], outputSize: 10, seed: 4 });
    tf.tidy(() => {
      const xb = x.slice([0, 0], [16, 3]) as tf.Tensor2D;
      const yb = y.slice([0, 0], [16, 10]) as tf.Tensor2D;
      const out = m.forward(xb);
      const expected = ovrOverlap(out.hidden[0]).dataSync()[0] + ovrOverlap(out.hidden[1]).dataSync()[0];
      const terms = m.lossTerms(xb, yb, { penalty: { objective: "ovr", weight: 0.5 } });
      expect(terms.ovr.dataSync()[0]).toBeCloseTo(0.5 * expected, 3);
      const only2 = m.lossTerms(xb, yb, { penalty: { objective: "ovr", weight: 1, layers: [1] } });
      expect(only2.ovr.dataSync()[0]).toBeCloseTo(ovrOverlap(out.hidden[1]).dataSync()[0], 3);
      expect(terms.crossEntropy.dataSync()[0]).toBeCloseTo(tf.losses.softmaxCrossEntropy(yb, out.logits).dataSync()[0], 5);
    });
    m.dispose();
  });

  it("dropout is seeded in training and off at evaluation", () => {
    const m = Mlp.create({ inputSize: 3, hiddenSizes: [64], outputSize: 10, seed: 5, dropout: 0.5 });
    const xb = x.slice([0, 0], [32, 3]) as tf.Tensor2D;
    const [a, b, c, e1, e2] = tf.tidy(() => [
      m.forward(xb, { training: true, seed: 11 }).logits.dataSync(),
      m.forward(xb, { training: true, seed: 11 }).logits.dataSync(),
      m.forward(xb, { training: true, seed: 12 }).logits.dataSync(),
      m.forward(xb).logits.dataSync(),
      m.forward(xb, { training: false, seed: 12 }).logits.dataSync(),
    ]);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(Array.from(e1)).toEqual(Array.from(e2));
    expect(Array.from(a)).not.toEqual(Array.from(e1));
    expect(() => m.forward(xb, { training: true })).toThrow(/option 'seed' is required/);
    xb.dispose();
    m.dispose();
  });

  it("an interrupted and resumed fit (with dropout) ends with the uninterrupted weights", async () => {
    const dirA = mkdtempSync(join(tmpdir(), "mlp-a-"));
    const dirB = mkdtempSync(join(tmpdir(), "mlp-b-"));
    const cfg = { inputSize: 3, hiddenSizes: [16], outputSize: 10, seed: 6, dropout: 0.3 };
    const opts = { epochs: 4, batchSize: 100, learningRate: 1e-2, seed: 9, penalty: { objective: "ovr", weight: 1e-4 } };
    const full = Mlp.create(cfg);
    await full.fit({ x, y }, { ...opts, checkpoint: { dir: dirA } });
    const part = Mlp.create(cfg);
    const h1 = await part.fit({ x, y }, { ...opts, checkpoint: { dir: dirB }, stopAfterSteps: 9 });
    expect(h1.stopped?.reason).toBe("stopAfterSteps");
    const resumed = Mlp.create(cfg);
    const h2 = await resumed.fit({ x, y }, { ...opts, checkpoint: { dir: dirB }, resume: true });
    expect(h2.resumedFrom?.epoch).toBe(2);
    expect(h2.epochs).toHaveLength(4);
    for (const k of Object.keys(full.variables)) {
      expect(Array.from(resumed.variables[k].dataSync())).toEqual(Array.from(full.variables[k].dataSync()));
    }
    [full, part, resumed].forEach((m) => m.dispose());
  });

  it("save/load round-trips weights, config and the initial-weight snapshot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlp-save-"));
    const m = Mlp.create({ inputSize: 3, hiddenSizes: [12, 7], outputSize: 10, seed: 8, dropout: 0.25 });
    await m.fit({ x, y }, { epochs: 2, batchSize: 100, learningRate: 1e-2 });
    await m.save(dir);
    const back = await Mlp.load(dir);
    expect(back.config).toEqual(m.config);
    const p1 = m.predictProba(xTest);
    const p2 = back.predictProba(xTest);
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
    expect(back.relativeChange("hidden1.kernel")).toBeCloseTo(m.relativeChange("hidden1.kernel"), 6);
    expect(back.relativeChange("hidden1.kernel")).toBeGreaterThan(0);
    tf.dispose([p1, p2]);
    m.dispose();
    back.dispose();
  });

  it("rejects bad configs, inputs and penalties with SparsekitError", async () => {
    expect(() => Mlp.create({ inputSize: 3, hiddenSizes: [], outputSize: 10 })).toThrow(/Mlp.create: option 'hiddenSizes' must be a non-empty array/);
    expect(() => Mlp.create({ inputSize: 3, hiddenSizes: [4], outputSize: 10, dropout: 1 })).toThrow(/option 'dropout' must be/);
    expect(() => Mlp.create({ inputSize: 3, hiddenSizes: [4], outputSize: 1 })).toThrow(SparsekitError);
    const m = Mlp.create({ inputSize: 3, hiddenSizes: [4], outputSize: 10 });
    const wrong = tf.zeros([5, 4]) as tf.Tensor2D;
    expect(() => m.forward(wrong)).toThrow(/Mlp.forward: argument 'x' must have 3 features per row, got shape \[5, 4\]/);
    await expect(m.fit({ x, y: tf.zeros([400, 3]) as tf.Tensor2D }, { epochs: 1 })).rejects.toThrow(/'data.y' must be one-hot labels of shape \[400, 10\]/);
    await expect(m.fit({ x, y }, { epochs: 1, penalty: { objective: "nope", weight: 1 } })).rejects.toThrow(/getObjective/);
    await expect(m.fit({ x, y }, { epochs: 1, penalty: { objective: "maskArea", weight: 1 } })).rejects.toThrow(/mask objective/);
    await expect(m.fit({ x, y }, { epochs: 1, penalty: { objective: "ovr", weight: -1 } })).rejects.toThrow(/penalty.weight/);
    await expect(m.fit({ x, y }, { epochs: 1, batchSize: 1, penalty: { objective: "ovr", weight: 1 } })).rejects.toThrow(/batchSize' must be >= 2/);
    await expect(m.fit({ x, y }, { epochs: 1, penalty: { objective: "ovr", weight: 1, layers: [1] } })).rejects.toThrow(/penalty.layers\[0\]/);
    expect(() => m.accuracy(xTest, [1, 2])).toThrow(/'labels' must hold 200 classes/);
    wrong.dispose();
    m.dispose();
  });

  it("does not leak tensors", async () => {
    const before = tf.memory().numTensors;
    const m = Mlp.create({ inputSize: 3, hiddenSizes: [8], outputSize: 10, seed: 1, dropout: 0.2 });
    await m.fit({ x, y }, { epochs: 2, batchSize: 128, penalty: { objective: "ovr", weight: 1e-4 } });
    m.accuracy(x, labels);
    m.hiddenCodes(xTest).dispose();
    m.predictProba(xTest).dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
