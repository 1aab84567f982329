import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { SparseAutoencoder, type SaeSparsity, type SparseAutoencoderConfig } from "../../src/models/SparseAutoencoder.js";
import { finiteDifferenceGradient } from "../../src/verify/index.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** 40 samples of 6 values in [0.1, 0.9], with structure (two latent factors) so there is something to learn. */
function toyData(n = 40, d = 6, seed = 11): tf.Tensor2D {
  return tf.tidy(() => {
    const z = tf.randomUniform([n, 2], 0, 1, "float32", seed);
    const mix = tf.randomUniform([2, d], 0, 1, "float32", seed + 1);
    const x = tf.matMul(z, mix);
    const lo = tf.min(x);
    const hi = tf.max(x);
    return tf.add(0.1, tf.mul(0.8, tf.div(tf.sub(x, lo), tf.sub(hi, lo)))) as tf.Tensor2D;
  });
}

function totalLoss(model: SparseAutoencoder, x: tf.Tensor): number {
  const v = model.lossValues(x);
  return v.reconstruction + v.weightDecay + v.sparsity;
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "sparsekit-sae-"));
}

function weights(model: SparseAutoencoder): Record<string, number[]> {
  return Object.fromEntries(Object.entries(model.variables).map(([k, v]) => [k, Array.from(v.dataSync())]));
}

const KINDS: { name: string; sparsity: SaeSparsity; activation: "sigmoid" | "relu" }[] = [
  { name: "kl", sparsity: { kind: "kl", rho: 0.1, beta: 3 }, activation: "sigmoid" },
  { name: "l1", sparsity: { kind: "l1", weight: 0.05 }, activation: "relu" },
  { name: "topk", sparsity: { kind: "topk", k: 2 }, activation: "relu" },
  { name: "ovr", sparsity: { kind: "ovr", weight: 1e-3 }, activation: "relu" },
  { name: "ovr-mean", sparsity: { kind: "ovr", weight: 0.1, reduction: "mean" }, activation: "sigmoid" },
  { name: "none", sparsity: { kind: "none" }, activation: "sigmoid" },
];

describe("SparseAutoencoder", () => {
  it("initialises as UFLDL: weights uniform in ±sqrt(6/(n_in+n_out+1)), zero biases, seeded", () => {
    const a = SparseAutoencoder.create({ inputSize: 30, hiddenSize: 20, seed: 4 });
    const b = SparseAutoencoder.create({ inputSize: 30, hiddenSize: 20, seed: 4 });
    const c = SparseAutoencoder.create({ inputSize: 30, hiddenSize: 20, seed: 5 });
    const r = Math.sqrt(6 / 51);
    const w1 = Array.from(a.variables.W1.dataSync());
    expect(Math.max(...w1.map(Math.abs))).toBeLessThanOrEqual(r);
    expect(Math.max(...w1.map(Math.abs))).toBeGreaterThan(0.9 * r);
    expect(a.variables.W1.shape).toEqual([30, 20]);
    expect(a.variables.W2.shape).toEqual([20, 30]);
    expect(Array.from(a.variables.b1.dataSync()).every((v) => v === 0)).toBe(true);
    expect(weights(a)).toEqual(weights(b));
    expect(weights(a).W1).not.toEqual(weights(c).W1);
    expect(a.config.sparsity).toEqual({ kind: "kl", rho: 0.01, beta: 3 });
    expect(a.config.weightDecay).toBe(1e-4);
    [a, b, c].forEach((m) => m.dispose());
  });

  for (const k of KINDS) {
    it(`loss decreases on a tiny problem with sparsity "${k.name}" (L-BFGS)`, async () => {
      const x = toyData();
      const model = SparseAutoencoder.create({ inputSize: 6, hiddenSize: 4, activation: k.activation, sparsity: k.sparsity, weightDecay: 1e-3, seed: 1 });
      const before = totalLoss(model, x);
      const result = await model.fit(x, { epochs: 1, iterationsPerEpoch: 30 });
      const after = totalLoss(model, x);
      expect(after).toBeLessThan(0.8 * before);
      expect(result.lossHistory[0]).toBeCloseTo(before, 4);
      expect(result.epochs).toHaveLength(1);
      expect(Object.keys(result.epochs[0].terms)).toEqual(["reconstruction", "weightDecay", "sparsity"]);
      expect(model.relativeChange("W1")).toBeGreaterThan(0);
      model.dispose();
      x.dispose();
    });
  }

  it("loss decreases with Adam minibatches too, and each epoch is recorded", async () => {
    const x = toyData();
    const model = SparseAutoencoder.create({ inputSize: 6, hiddenSize: 4, sparsity: { kind: "kl", rho: 0.1, beta: 3 }, seed: 2 });
    const before = totalLoss(model, x);
    const r = await model.fit(x, { optimizer: "adam", epochs: 15, batchSize: 8, learningRate: 0.02 });
    expect(r.epochs).toHaveLength(15);
    expect(r.steps).toBe(15 * 5);
    expect(totalLoss(model, x)).toBeLessThan(0.8 * before);
    expect(r.epochs[14].metrics.endReconstruction).toBeGreaterThan(0);
    model.dispose();
    x.dispose();
  });

  it("top-k keeps exactly k active codes per sample", () => {
    const x = toyData();
    const model = SparseAutoencoder.create({ inputSize: 6, hiddenSize: 5, activation: "sigmoid", sparsity: { kind: "topk", k: 2 }, seed: 3 });
    const h = model.encode(x);
    const nonzero = tf.tidy(() => tf.sum(tf.cast(tf.greater(h, 0), "int32"), 1).arraySync() as number[]);
    expect(nonzero.every((c) => c === 2)).toBe(true);
    h.dispose();
    model.dispose();
    x.dispose();
  });

  it("the KL autoencoder's gradient (tf autodiff) matches central finite differences", () => {
    const x = toyData(8, 5, 21);
    for (const tiedWeights of [false, true]) {
      const model = SparseAutoencoder.create({
        inputSize: 5, hiddenSize: 3, tiedWeights, sparsity: { kind: "kl", rho: 0.2, beta: 3 }, weightDecay: 0.05, seed: 9,
      });
      // Move the biases off zero so their gradients are generic.
      model.variables.b1.assign(tf.tensor1d([0.3, -0.2, 0.1]));
      const loss = () => {
        const t = model.lossTerms(x);
        return tf.addN([t.reconstruction, t.weightDecay, t.sparsity]) as tf.Scalar;
      };
      const { grads, value } = tf.variableGrads(loss, model.trainableVariables());
      value.dispose();
      for (const v of Object.values(model.variables)) {
        const start = v.clone();
        const numeric = finiteDifferenceGradient((w) => {
          v.assign(w);
          return loss();
        }, start, { eps: 1e-2 });
        v.assign(start);
        const a = grads[v.name].dataSync();
        const n = numeric.dataSync();
        let diff = 0;
        let norm = 0;
        for (let i = 0; i < a.length; i++) {
          diff += (a[i] - n[i]) ** 2;
          norm += a[i] ** 2;
        }
        expect(Math.sqrt(norm)).toBeGreaterThan(1e-4);
        expect(Math.sqrt(diff / norm)).toBeLessThan(2e-2);
        numeric.dispose();
        start.dispose();
      }
      tf.dispose(grads);
      model.dispose();
    }
    x.dispose();
  });

  it("tied weights: no W2, the decoder is W1^T, and changing W1 changes the decoder", () => {
    const model = SparseAutoencoder.create({ inputSize: 6, hiddenSize: 4, tiedWeights: true, seed: 1 });
    expect(Object.keys(model.variables).sort()).toEqual(["W1", "b1", "b2"]);
    expect(model.decoderVariable).toBe("W1");
    const dec = model.decoderWeights();
    expect(Array.from(dec.dataSync())).toEqual(Array.from(tf.transpose(model.variables.W1).dataSync()));
    const h = tf.tensor2d([[1, 0, 0, 0]]);
    const before = Array.from(model.decode(h).dataSync());
    model.variables.W1.assign(tf.mul(model.variables.W1, 2));
    const after = Array.from(model.decode(h).dataSync());
    expect(after).not.toEqual(before);
    // Weight decay counts the shared matrix once.
    const v = model.lossValues(toyData());
    const sq = tf.sum(tf.square(model.variables.W1)).dataSync()[0];
    expect(v.weightDecay).toBeCloseTo((1e-4 / 2) * sq, 7);
    dec.dispose();
    h.dispose();
    model.dispose();
  });

  it("save/load round-trips: same config, same reconstruction, same relative change", async () => {
    const x = toyData();
    const model = SparseAutoencoder.create({ inputSize: 6, hiddenSize: 4, sparsity: { kind: "l1", weight: 0.01 }, denoising: { kind: "gaussian", level: 0.1 }, seed: 6 });
    await model.fit(x, { epochs: 1, iterationsPerEpoch: 10 });
    const dir = tmp();
    await model.save(dir);
    const loaded = await SparseAutoencoder.load(dir);
    expect(loaded.config).toEqual(model.config);
    expect(Array.from(loaded.reconstruct(x).dataSync())).toEqual(Array.from(model.reconstruct(x).dataSync()));
    expect(loaded.relativeChange("W1")).toBe(model.relativeChange("W1"));
    expect(loaded.relativeChange("W1")).toBeGreaterThan(0);
    await expect(SparseAutoencoder.load(tmp())).rejects.toThrow(SparsekitError);
    model.dispose();
    loaded.dispose();
    x.dispose();
  });

  it("denoising corrupts the input only in training", async () => {
    const x = toyData();
    const base: SparseAutoencoderConfig = { inputSize: 6, hiddenSize: 4, sparsity: { kind: "kl", rho: 0.1, beta: 3 }, seed: 8 };
    const noisy = SparseAutoencoder.create({ ...base, denoising: { kind: "masking", level: 0.5 } });
    const plain = SparseAutoencoder.create(base);
    // Same weights: evaluation is identical (no noise) and deterministic.
    expect(noisy.lossValues(x)).toEqual(plain.lossValues(x));
    const r1 = Array.from(noisy.reconstruct(x).dataSync());
    expect(Array.from(noisy.reconstruct(x).dataSync())).toEqual(r1);
    expect(r1).toEqual(Array.from(plain.reconstruct(x).dataSync()));
    // Training sees corrupted inputs: the same run without noise ends elsewhere.
    await noisy.fit(x, { optimizer: "adam", epochs: 2, batchSize: 10, learningRate: 0.01 });
    await plain.fit(x, { optimizer: "adam", epochs: 2, batchSize: 10, learningRate: 0.01 });
    expect(weights(noisy).W1).not.toEqual(weights(plain).W1);
    const r2 = Array.from(noisy.reconstruct(x).dataSync());
    expect(Array.from(noisy.reconstruct(x).dataSync())).toEqual(r2);
    noisy.dispose();
    plain.dispose();
    x.dispose();
  });

  it("Adam: an interrupted run resumed from its checkpoint ends with the uninterrupted run's weights", async () => {
    const x = toyData();
    const cfg: SparseAutoencoderConfig = { inputSize: 6, hiddenSize: 4, sparsity: { kind: "kl", rho: 0.1, beta: 3 }, denoising: { kind: "gaussian", level: 0.05 }, seed: 3 };
    const opts = { optimizer: "adam" as const, epochs: 4, batchSize: 8, learningRate: 0.01 };
    const full = SparseAutoencoder.create(cfg);
    await full.fit(x, opts);
    const dir = tmp();
    const first = SparseAutoencoder.create(cfg);
    const stopped = await first.fit(x, { ...opts, checkpointDir: dir, stopAfterSteps: 12 }); // mid epoch 3
    expect(stopped.stopReason).toBe("stopAfterSteps");
    expect(stopped.epochs).toHaveLength(2);
    first.dispose();
    const second = SparseAutoencoder.create(cfg);
    const resumed = await second.fit(x, { ...opts, checkpointDir: dir, resume: true });
    expect(resumed.resumedFrom?.epoch).toBe(2);
    expect(resumed.epochs).toHaveLength(4);
    expect(weights(second)).toEqual(weights(full));
    // The reference point of relativeChange is the fresh model's start, as in the full run.
    expect(second.relativeChange("W1")).toBeCloseTo(full.relativeChange("W1"), 6);
    full.dispose();
    second.dispose();
    x.dispose();
  });

  it("L-BFGS: checkpoints per block; a resumed run ends where the uninterrupted one does", async () => {
    const x = toyData();
    const cfg: SparseAutoencoderConfig = { inputSize: 6, hiddenSize: 4, sparsity: { kind: "kl", rho: 0.1, beta: 3 }, seed: 5 };
    const full = SparseAutoencoder.create(cfg);
    const rf = await full.fit(x, { epochs: 3, iterationsPerEpoch: 5 });
    const dir = tmp();
    const first = SparseAutoencoder.create(cfg);
    await first.fit(x, { epochs: 2, iterationsPerEpoch: 5, checkpointDir: dir });
    expect(readdirSync(dir).filter((f) => f.endsWith(".json")).length).toBe(2);
    first.dispose();
    const second = SparseAutoencoder.create(cfg);
    const rs = await second.fit(x, { epochs: 3, iterationsPerEpoch: 5, checkpointDir: dir, resume: true });
    expect(rs.resumedFrom?.epoch).toBe(2);
    expect(rs.lossHistory).toEqual(rf.lossHistory);
    expect(weights(second)).toEqual(weights(full));
    expect(existsSync(join(dir, "lbfgs-000003.json"))).toBe(true);
    full.dispose();
    second.dispose();
    x.dispose();
  });

  it("rejects bad configs and inputs with SparsekitErrors that name the problem", async () => {
    expect(() => SparseAutoencoder.create({ inputSize: 6, hiddenSize: 4, activation: "relu" })).toThrow(/sparsity kind "kl" needs activation "sigmoid"/);
    expect(() => SparseAutoencoder.create({ inputSize: 6, hiddenSize: 4, sparsity: { kind: "topk", k: 5 } })).toThrow(/sparsity.k/);
    expect(() => SparseAutoencoder.create({ inputSize: 0, hiddenSize: 4 })).toThrow(/inputSize/);
    expect(() => SparseAutoencoder.create({ inputSize: 6, hiddenSize: 4, sparsity: { kind: "kl", rho: 0.1, beta: 3, weight: 1 } as never })).toThrow(/unknown option 'weight'/);
    const model = SparseAutoencoder.create({ inputSize: 6, hiddenSize: 4 });
    const wrong = tf.zeros([3, 5]);
    expect(() => model.encode(wrong)).toThrow(/6 columns \(inputSize\)/);
    const one = tf.fill([1, 6], 0.5);
    expect(() => model.lossTerms(one)).toThrow(/at least 2 samples/);
    const x = toyData(9);
    await expect(model.fit(x, { optimizer: "adam", batchSize: 4 })).rejects.toThrow(/leaves a batch of 1 sample/);
    await expect(model.fit(x, { optimizer: "lbfgs", batchSize: 4 })).rejects.toThrow(/applies to optimizer "adam" only/);
    await expect(model.fit(x, { epochs: 0 })).rejects.toThrow(/SparseAutoencoder.fit: option 'epochs'/);
    await expect(model.fit(x, { optimizer: "adam", iterationsPerEpoch: 3 })).rejects.toThrow(/applies to optimizer "lbfgs" only/);
    [wrong, one, x].forEach((t) => t.dispose());
    model.dispose();
  });
});
