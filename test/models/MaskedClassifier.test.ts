import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { BudgetConstraint } from "../../src/masks/BudgetConstraint.js";
import { MaskedClassifier } from "../../src/models/MaskedClassifier.js";
import { createRng } from "../../src/random/index.js";

/** 8 x 8 images whose class (0/1) is written in the top-left 2 x 2 corner; the rest is noise. */
function toyData(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor2D; labels: Int32Array } {
  const rng = createRng(seed);
  const px = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.int(2);
    for (let p = 0; p < 64; p++) px[i * 64 + p] = 0.5 * rng.next();
    for (const p of [0, 1, 8, 9]) px[i * 64 + p] = labels[i] === 1 ? 1 : 0;
  }
  const x = tf.tensor4d(px, [n, 8, 8, 1]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 2).toFloat()) as tf.Tensor2D;
  return { x, y, labels };
}

const small = { height: 8, width: 8, classes: 2, attentionChannels: 3, attentionKernel: 3, attentionPool: 2, hiddenUnits: 8 };

describe("MaskedClassifier", () => {
  it("conv classifier branch (classifierFilters): conv + ReLU + max-pool blocks, pretrains with augmentation, saves and loads", async () => {
    const model = MaskedClassifier.create({ ...small, classifierFilters: [3, 4], classifierKernel: 3, gate: { kind: "straightThrough" }, seed: 1 });
    expect(model.classifierVariables()["classifier.conv0.kernel"]!.shape).toEqual([3, 3, 1, 3]);
    expect(model.classifierVariables()["classifier.conv1.kernel"]!.shape).toEqual([3, 3, 3, 4]);
    expect(model.classifierVariables()["classifier.hidden.kernel"]!.shape).toEqual([2 * 2 * 4, 8]);
    const { x, y, labels } = toyData(64, 3);
    const acc0 = model.classifierAccuracy(x, labels);
    await model.pretrainClassifier({ x, y }, { epochs: 15, batchSize: 16, learningRate: 1e-2, seed: 1, augmentation: { maxShift: 0, maxRotation: 0, maxScale: 0 } });
    expect(model.classifierAccuracy(x, labels)).toBeGreaterThan(Math.max(acc0, 0.9));
    await model.pretrainClassifier({ x, y }, { epochs: 1, batchSize: 16, seed: 2, augmentation: { maxShift: 1, maxRotation: 5, maxScale: 0.05 } });
    await expect(model.pretrainClassifier({ x, y }, { epochs: 1, augmentation: { maxShift: -1, maxRotation: 0, maxScale: 0 } })).rejects.toThrow(/maxShift/);
    const dir = mkdtempSync(join(tmpdir(), "masked-conv-"));
    await model.save(dir);
    const back = await MaskedClassifier.load(dir);
    expect(back.classifierAccuracy(x, labels)).toBe(model.classifierAccuracy(x, labels));
    const mlp = MaskedClassifier.create({ ...small, gate: { kind: "straightThrough" }, seed: 1 });
    expect(() => mlp.copyClassifierFrom(model)).toThrow(/classifierFilters must match/);
    expect(() => MaskedClassifier.create({ ...small, classifierFilters: [3], classifierKernel: 2, gate: { kind: "straightThrough" } })).toThrow(/classifierKernel/);
    tf.dispose([x, y]);
    [model, back, mlp].forEach((m) => m.dispose());
  });

  it("deeper attention branch (attentionFilters): 3x3 ReLU convolutions before the logit layer, trained by fit, saved and loaded", async () => {
    const model = MaskedClassifier.create({ ...small, attentionFilters: [4, 5], gate: { kind: "straightThrough" }, seed: 2 });
    const att = model.attentionVariables();
    expect(Object.keys(att)).toEqual(["attention.kernel", "attention.bias", "attention.conv0.kernel", "attention.conv0.bias", "attention.conv1.kernel", "attention.conv1.bias", "attention.output.kernel", "attention.output.bias", "attention.pixelBias"]);
    expect(att["attention.conv0.kernel"]!.shape).toEqual([3, 3, 3, 4]);
    expect(att["attention.conv1.kernel"]!.shape).toEqual([3, 3, 4, 5]);
    expect(att["attention.output.kernel"]!.shape).toEqual([5, 1]);
    const { x, y, labels } = toyData(32, 7);
    const before = tf.tidy(() => model.maskLogits(x).dataSync());
    await model.fit({ x, y }, { epochs: 1, batchSize: 16, seed: 3 });
    // the deeper layers receive gradients (their weights move) and the logits change
    expect(model.relativeChange("attention.conv1.kernel")).toBeGreaterThan(0);
    expect(Array.from(tf.tidy(() => model.maskLogits(x).dataSync()))).not.toEqual(Array.from(before));
    const dir = mkdtempSync(join(tmpdir(), "masked-attention-"));
    await model.save(dir);
    const back = await MaskedClassifier.load(dir);
    expect(back.config.attentionFilters).toEqual([4, 5]);
    expect(back.evaluate(x, labels)).toEqual(model.evaluate(x, labels));
    expect(() => MaskedClassifier.create({ ...small, attentionFilters: [0], gate: { kind: "straightThrough" } })).toThrow(/attentionFilters\[0\]/);
    tf.dispose([x, y]);
    [model, back].forEach((m) => m.dispose());
  });

  it("test-time projection: testThreshold binarises, testMaxFraction keeps exactly the k largest logits per image; training masks are untouched", () => {
    const { x } = toyData(4, 5);
    const plain = MaskedClassifier.create({ ...small, gate: { kind: "hardConcrete" }, initialMaskLogit: 0.3, seed: 4 });
    const projected = MaskedClassifier.create({ ...small, gate: { kind: "hardConcrete" }, initialMaskLogit: 0.3, seed: 4, testThreshold: 0.5, testMaxFraction: 0.125 });
    const raw = plain.masks(x);
    const m = projected.masks(x);
    const rawAgain = projected.masks(x, 500, { raw: true });
    expect(Array.from(rawAgain.dataSync())).toEqual(Array.from(raw.dataSync()));
    const v = Array.from(m.dataSync());
    expect(v.every((e) => e === 0 || e === 1)).toBe(true);
    const perImage = tf.sum(tf.reshape(m, [4, 64]), 1).dataSync();
    for (const c of perImage) expect(c).toBeLessThanOrEqual(8);
    // kept pixels are where the raw gate was >= 0.5
    const r = raw.dataSync();
    v.forEach((e, i) => {
      if (e === 1) expect(r[i]!).toBeGreaterThanOrEqual(0.5);
    });
    const t = projected.forward(x, { training: true, seed: 1 }).mask;
    expect(Array.from(t.dataSync()).some((e) => e > 0 && e < 1)).toBe(true);
    expect(projected.evaluate(x, [0, 1, 0, 1]).nonBinaryFraction).toBe(0);
    expect(() => MaskedClassifier.create({ ...small, gate: { kind: "hardConcrete" }, testMaxFraction: 1.5 })).toThrow(/testMaxFraction/);
    tf.dispose([x, raw, m, rawAgain, t]);
    plain.dispose();
    projected.dispose();
  });

  it("maskGradientProbe: area gradient on M is w / (H W) per pixel; with every logit below -2.5 no gradient reaches the logits", () => {
    const { x, y } = toyData(4, 6);
    const open = MaskedClassifier.create({ ...small, gate: { kind: "hardSigmoid" }, initialMaskLogit: 0, seed: 2 });
    const p = open.maskGradientProbe(x, y, 3);
    // d(w mean(M))/dM = w / (B H W) per entry: norm = w / sqrt(B H W)
    expect(p.areaOnMask).toBeCloseTo(3 / Math.sqrt(4 * 64), 5);
    expect(p.gradientPassingFraction).toBeGreaterThan(0.5);
    expect(p.crossEntropyOnMask).toBeGreaterThan(0);
    const dead = MaskedClassifier.create({ ...small, gate: { kind: "hardSigmoid" }, initialMaskLogit: -10, seed: 2 });
    const q = dead.maskGradientProbe(x, y, 3);
    expect(q.area).toBe(0);
    expect(q.gradientPassingFraction).toBe(0);
    expect(q.crossEntropyOnLogits).toBe(0);
    expect(q.areaOnLogits).toBe(0);
    tf.dispose([x, y]);
    open.dispose();
    dead.dispose();
  });

  it("produces H x W x 1 logits, a gated mask and class logits", () => {
    const model = MaskedClassifier.create({ ...small, gate: { kind: "gumbelTopK", k: 5 }, seed: 1 });
    const { x } = toyData(3, 1);
    const out = model.forward(x, { training: true, seed: 2 });
    expect(out.maskLogits.shape).toEqual([3, 8, 8, 1]);
    expect(out.mask.shape).toEqual([3, 8, 8, 1]);
    expect(out.logits.shape).toEqual([3, 2]);
    expect(Array.from(tf.sum(tf.reshape(out.mask, [3, 64]), 1).dataSync())).toEqual([5, 5, 5]);
    expect(model.forward(tf.reshape(x, [3, 64])).logits.shape).toEqual([3, 2]);
    expect(() => model.forward(x, { training: true })).toThrow(/option 'seed' is required when training with the gumbelTopK gate/);
    expect(() => model.forward(tf.zeros([2, 7, 8, 1]))).toThrow(/MaskedClassifier.forward: argument 'x' must have shape \[B, 64\] or \[B, 8, 8, 1\]/);
    model.dispose();
  });

  it("the attention gain leaves the initial logits unchanged", () => {
    const a = MaskedClassifier.create({ ...small, gate: { kind: "straightThrough" }, seed: 4, initialMaskLogit: 0.5 });
    const b = MaskedClassifier.create({ ...small, gate: { kind: "straightThrough" }, seed: 4, initialMaskLogit: 0.5, attentionGain: 20 });
    const { x } = toyData(4, 2);
    const la = Array.from(a.maskLogits(x).dataSync());
    Array.from(b.maskLogits(x).dataSync()).forEach((v, i) => expect(v).toBeCloseTo(la[i], 4));
    a.dispose();
    b.dispose();
  });

  it("joint training with a budget lowers the loss, logs the multiplier per epoch and keeps the mask near the budget", async () => {
    const data = toyData(256, 3);
    const model = MaskedClassifier.create({ ...small, gate: { kind: "straightThrough" }, seed: 5, attentionGain: 10 });
    await model.pretrainClassifier({ x: data.x, y: data.y }, { epochs: 3, batchSize: 32, learningRate: 1e-2 });
    const budget = { constraint: new BudgetConstraint({ target: 0.1, stepSize: 0.2 }), on: "area" as const };
    const epochs: number[] = [];
    const steps: { step: number; multiplier: number; constraint: number }[] = [];
    const r = await model.fit(
      { x: data.x, y: data.y },
      { epochs: 6, batchSize: 32, learningRate: 1e-2, budget, onEpochEnd: (e) => void epochs.push(e.epoch), onBudgetStep: (s) => void steps.push(s) },
    );
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 48 }, (_, i) => i + 1));
    // each step's multiplier is the previous one moved by eta (g - target), projected at 0.
    steps.forEach((s, i) => {
      const before = i === 0 ? 0 : steps[i - 1].multiplier;
      expect(s.multiplier).toBeCloseTo(Math.max(0, before + 0.2 * (s.constraint - 0.1)), 6);
    });
    expect(r.multipliers.at(-1)!.multiplier).toBeCloseTo(steps.at(-1)!.multiplier, 12);
    const ce = r.history.epochs.map((e) => e.terms.crossEntropy);
    expect(ce.at(-1)!).toBeLessThan(ce[0]);
    expect(r.multipliers.map((m) => m.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6]);
    r.multipliers.forEach((m) => expect(m.multiplier).toBeGreaterThanOrEqual(0));
    expect(r.multipliers[0].multiplier).toBeGreaterThan(0); // started at ~50% of pixels, over the 10% budget
    const ev = model.evaluate(data.x, data.labels);
    expect(ev.nonBinaryFraction).toBe(0);
    expect(ev.keptFraction).toBeLessThan(0.3);
    expect(ev.accuracy).toBeGreaterThan(0.9);
    model.dispose();
  });

  it("hard concrete with an expected-L0 penalty and budget trains; top-k needs no penalty", async () => {
    const data = toyData(64, 4);
    const hc = MaskedClassifier.create({ ...small, gate: { kind: "hardConcrete" }, seed: 6 });
    const r = await hc.fit(
      { x: data.x, y: data.y },
      { epochs: 2, batchSize: 32, penalties: { expectedL0: 0.1 }, budget: { constraint: new BudgetConstraint({ target: 0.2 }), on: "expectedL0" } },
    );
    expect(Object.keys(r.history.epochs[0].terms)).toEqual(["crossEntropy", "expectedL0", "budget"]);
    const st = MaskedClassifier.create({ ...small, gate: { kind: "straightThrough" }, seed: 6 });
    await expect(st.fit({ x: data.x, y: data.y }, { epochs: 1, penalties: { expectedL0: 1 } })).rejects.toThrow(/the expected L0 needs the hardConcrete gate/);
    await expect(st.fit({ x: data.x, y: data.y }, { epochs: 1, penalties: { area: -1 } })).rejects.toThrow(/option 'penalties.area'/);
    await expect(st.fit({ x: data.x, y: tf.zeros([64, 3]) }, { epochs: 1 })).rejects.toThrow(/argument 'data.y' must be one-hot labels of shape \[64, 2\]/);
    tf.dispose([data.x, data.y]);
    hc.dispose();
    st.dispose();
  });

  it("save/load round-trips weights, config and the initial snapshot", async () => {
    const data = toyData(32, 5);
    const model = MaskedClassifier.create({ ...small, gate: { kind: "hardConcrete", beta: 0.5 }, seed: 7, attentionGain: 3 });
    await model.fit({ x: data.x, y: data.y }, { epochs: 1, batchSize: 16, learningRate: 1e-2 });
    const dir = mkdtempSync(join(tmpdir(), "masked-"));
    await model.save(dir);
    const loaded = await MaskedClassifier.load(dir);
    expect(loaded.config).toEqual(model.config);
    expect(Array.from(loaded.forward(data.x).logits.dataSync())).toEqual(Array.from(model.forward(data.x).logits.dataSync()));
    expect(Array.from(loaded.masks(data.x).dataSync())).toEqual(Array.from(model.masks(data.x).dataSync()));
    expect(loaded.relativeChange("attention.kernel")).toBeCloseTo(model.relativeChange("attention.kernel"), 6);
    await expect(MaskedClassifier.load(join(dir, "missing"))).rejects.toThrow();
    model.dispose();
    loaded.dispose();
  });

  it("copyClassifierFrom shares a pretrained classifier; classifierAccuracy and inputSaliency work on full images", async () => {
    const data = toyData(128, 6);
    const base = MaskedClassifier.create({ ...small, gate: { kind: "straightThrough" }, seed: 8 });
    await base.pretrainClassifier({ x: data.x, y: data.y }, { epochs: 5, batchSize: 32, learningRate: 1e-2 });
    const acc = base.classifierAccuracy(data.x, data.labels);
    expect(acc).toBeGreaterThan(0.9);
    const other = MaskedClassifier.create({ ...small, gate: { kind: "gumbelTopK", k: 4 }, seed: 9 });
    other.copyClassifierFrom(base);
    expect(other.classifierAccuracy(data.x, data.labels)).toBe(acc);
    expect(other.relativeChange("classifier.hidden.kernel")).toBe(0);
    const sal = base.inputSaliency(data.x, 50);
    expect(sal.shape).toEqual([128, 8, 8, 1]);
    // |d z_c / d x| with c the predicted class, checked against a direct gradient for one sample.
    const x0 = tf.slice(data.x, [0, 0, 0, 0], [1, -1, -1, -1]);
    const c = tf.argMax(base.classify(x0), 1).dataSync()[0];
    const direct = tf.abs(tf.grad((v: tf.Tensor) => tf.sum(tf.slice(base.classify(v), [0, c], [1, 1])))(x0));
    const first = Array.from(tf.slice(sal, [0, 0, 0, 0], [1, -1, -1, -1]).dataSync());
    Array.from(direct.dataSync()).forEach((v, i) => expect(first[i]).toBeCloseTo(v, 5));
    // the label lives in the corner: on average the classifier is more sensitive there than elsewhere.
    const meanSal = Array.from(tf.mean(sal, 0).dataSync());
    const corner = (meanSal[0] + meanSal[1] + meanSal[8] + meanSal[9]) / 4;
    const rest = meanSal.filter((_, i) => ![0, 1, 8, 9].includes(i));
    expect(corner).toBeGreaterThan(rest.reduce((a, b) => a + b, 0) / rest.length);
    expect(() => base.classifierAccuracy(data.x, [1, 2])).toThrow(/argument 'labels' must hold 128 classes/);
    base.dispose();
    other.dispose();
  });

  it("a run resumed from its checkpoint restores the multiplier and ends like an uninterrupted run", async () => {
    const data = toyData(64, 7);
    const make = () => MaskedClassifier.create({ ...small, gate: { kind: "hardConcrete" }, seed: 11, attentionGain: 5 });
    const fitOpts = (epochs: number, constraint: BudgetConstraint, dir?: string, resume?: boolean) => ({
      epochs,
      batchSize: 16,
      learningRate: 1e-2,
      seed: 3,
      budget: { constraint, on: "expectedL0" as const },
      ...(dir ? { checkpoint: { dir }, resume } : {}),
    });
    const full = make();
    const cFull = new BudgetConstraint({ target: 0.1 });
    const rFull = await full.fit({ x: data.x, y: data.y }, fitOpts(3, cFull));
    const dir = mkdtempSync(join(tmpdir(), "masked-ckpt-"));
    const first = make();
    const cFirst = new BudgetConstraint({ target: 0.1 });
    await first.fit({ x: data.x, y: data.y }, fitOpts(2, cFirst, dir));
    const second = make();
    const cSecond = new BudgetConstraint({ target: 0.1 });
    const rSecond = await second.fit({ x: data.x, y: data.y }, fitOpts(3, cSecond, dir, true));
    expect(rSecond.history.resumedFrom?.epoch).toBe(2);
    expect(cSecond.multiplier).toBeCloseTo(cFull.multiplier, 5);
    expect(cSecond.updates).toBe(cFull.updates);
    expect(rSecond.multipliers.map((m) => m.epoch)).toEqual([3]);
    expect(rSecond.multipliers[0].multiplier).toBeCloseTo(rFull.multipliers[2].multiplier, 5);
    Array.from(second.variables["attention.pixelBias"].dataSync()).forEach((v, i) =>
      expect(v).toBeCloseTo(full.variables["attention.pixelBias"].dataSync()[i], 5),
    );
    // a finished run resumed again takes no step and still restores the final multiplier.
    const third = make();
    const cThird = new BudgetConstraint({ target: 0.1 });
    const rThird = await third.fit({ x: data.x, y: data.y }, fitOpts(3, cThird, dir, true));
    expect(rThird.history.epochs.length).toBe(3);
    expect(cThird.multiplier).toBeCloseTo(cFull.multiplier, 5);
    for (const m of [full, first, second, third]) m.dispose();
  });

  it("rejects bad configs", () => {
    expect(() => MaskedClassifier.create({ ...small, attentionPool: 3, gate: { kind: "hardSigmoid" } })).toThrow(/option 'attentionPool' must divide/);
    expect(() => MaskedClassifier.create({ ...small, attentionKernel: 4, gate: { kind: "hardSigmoid" } })).toThrow(/must be odd/);
    expect(() => MaskedClassifier.create({ ...small, gate: { kind: "gumbelTopK", k: 65 } })).toThrow(/gate.k/);
    expect(() => MaskedClassifier.create({ ...small, gate: { kind: "hardSigmoid" }, colour: 1 } as never)).toThrow(/unknown option 'colour'/);
  });
});
