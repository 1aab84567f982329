import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { hungarianAccuracy } from "../../src/metrics/hungarianAccuracy.js";
import { knnGraph } from "../../src/baselines/labelSpreading.js";
import { EntropyClusterer } from "../../src/models/EntropyClusterer.js";
import { neighbourConsistency } from "../../src/objectives/neighbourConsistency.js";
import { createRng } from "../../src/random/index.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** n samples of 4 well-separated Gaussian blobs in `dim` dimensions, with their blob labels. */
function blobs(n: number, dim: number, seed: number): { x: tf.Tensor2D; labels: Int32Array } {
  const rng = createRng(seed);
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 4;
    labels[i] = k;
    for (let j = 0; j < dim; j++) data[i * dim + j] = (j % 4 === k ? 3 : 0) + 0.3 * rng.normal();
  }
  return { x: tf.tensor2d(data, [n, dim]), labels };
}

function values(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

describe("EntropyClusterer", () => {
  it("has the documented defaults and output shapes", () => {
    const m = EntropyClusterer.create({ inputSize: 16, hiddenSizes: [8], numClusters: 5, seed: 1 });
    expect(m.config).toMatchObject({ architecture: "mlp", imageShape: [4, 4, 1], beta: -1, lambda: 1, batchTerm: "marginal", consistencyWeight: 0, augmentedViews: 1, overclusterCount: 0 });
    const x = tf.randomNormal([7, 16], 0, 1, "float32", 3) as tf.Tensor2D;
    expect(m.outputs(x).shape).toEqual([7, 5]);
    const q = m.probabilities(x);
    for (const s of values(tf.sum(q, 1))) expect(s).toBeCloseTo(1, 5);
    // argmax Q = argmax X for beta = -1
    const pred = m.predict(x);
    expect(Array.from(pred)).toEqual(values(tf.argMax(m.outputs(x), 1)));
    tf.dispose([x, q]);
    m.dispose();
  });

  it("predicts argmin X when beta > 0 (Q = softmax(-beta X))", () => {
    const m = EntropyClusterer.create({ inputSize: 4, hiddenSizes: [], numClusters: 3, beta: 2, seed: 2 });
    const x = tf.randomNormal([6, 4], 0, 1, "float32", 4) as tf.Tensor2D;
    expect(Array.from(m.predict(x))).toEqual(values(tf.argMin(m.outputs(x), 1)));
    x.dispose();
    m.dispose();
  });

  it("clusters well-separated blobs without labels (marginal form); the loss decreases", async () => {
    const { x, labels } = blobs(200, 8, 5);
    const m = EntropyClusterer.create({ inputSize: 8, hiddenSizes: [16], numClusters: 4, lambda: 2, seed: 3 });
    const h = await m.fit(x, { epochs: 25, batchSize: 50, learningRate: 0.01, seed: 3 });
    expect(h.epochs[h.epochs.length - 1].loss).toBeLessThan(h.epochs[0].loss - 0.5);
    expect(hungarianAccuracy(labels, m.predict(x))).toBeGreaterThan(0.95);
    expect(m.relativeChange("hidden1.kernel")).toBeGreaterThan(0.01);
    x.dispose();
    m.dispose();
  });

  it("adds the consistency term on images and its loss decreases", async () => {
    const { x } = blobs(64, 64, 6); // 8x8 "images"
    const m = EntropyClusterer.create({ inputSize: 64, hiddenSizes: [16], numClusters: 4, lambda: 2, consistencyWeight: 1, seed: 4 });
    const terms = m.lossTerms(tf.slice(x, [0, 0], [16, 64]) as tf.Tensor2D, { seed: 1 });
    expect(Object.keys(terms).sort()).toEqual(["consistency", "entropy"]);
    expect(terms.consistency.dataSync()[0]).toBeGreaterThanOrEqual(0);
    tf.dispose(Object.values(terms));
    expect(() => m.lossTerms(x)).toThrow(/option 'seed' is required with the consistency term/);
    // two augmented views average two KLs (other transforms -> another value, still >= 0)
    const m2 = EntropyClusterer.create({ ...m.config, augmentedViews: 2 });
    const batch = tf.slice(x, [0, 0], [16, 64]) as tf.Tensor2D;
    const one = m.lossTerms(batch, { seed: 1 }).consistency.dataSync()[0];
    const two = m2.lossTerms(batch, { seed: 1 }).consistency.dataSync()[0];
    expect(two).toBeGreaterThanOrEqual(0);
    expect(two).not.toBeCloseTo(one, 6);
    m2.dispose();
    const h = await m.fit(x, { epochs: 15, batchSize: 32, learningRate: 0.01, seed: 4 });
    expect(h.epochs[14].loss).toBeLessThan(h.epochs[0].loss);
    expect(h.epochs[0].terms).toHaveProperty("consistency");
    x.dispose();
    m.dispose();
  });

  it("adds the neighbour term: weight x neighbourConsistency of each row and its given neighbour", () => {
    const { x } = blobs(16, 8, 10);
    const m = EntropyClusterer.create({ inputSize: 8, hiddenSizes: [6], numClusters: 4, neighbourWeight: 2, seed: 11 });
    const xn = tf.reverse(x, 0) as tf.Tensor2D;
    const terms = m.lossTerms(x, { neighbourRows: xn });
    expect(Object.keys(terms).sort()).toEqual(["entropy", "neighbour"]);
    const expected = neighbourConsistency(m.outputs(x), m.outputs(xn), { beta: -1 });
    expect(terms.neighbour.dataSync()[0]).toBeCloseTo(2 * expected.dataSync()[0]!, 5);
    tf.dispose([...Object.values(terms), expected]);
    expect(() => m.lossTerms(x)).toThrow(/option 'neighbourRows' .* is required with neighbourWeight > 0, got none/);
    expect(() => m.lossTerms(x, { neighbourRows: tf.slice(x, [0, 0], [8, 8]) as tf.Tensor2D })).toThrow(/got \[8, 8\]/);
    tf.dispose([x, xn]);
    m.dispose();
  });

  it("overclusterCount adds a head on the same features, trained by the same terms; clusters come from the main head", async () => {
    const { x } = blobs(64, 64, 6); // 8x8 "images"
    const base = { inputSize: 64, hiddenSizes: [16], numClusters: 4, lambda: 2, consistencyWeight: 3, augmentedViews: 2, seed: 4 };
    const plain = EntropyClusterer.create(base);
    const over = EntropyClusterer.create({ ...base, overclusterCount: 12 });
    expect(over.variables["overcluster.kernel"].shape).toEqual([16, 12]);
    // The main head starts from the same weights as without the auxiliary head.
    expect(values(over.outputs(x))).toEqual(values(plain.outputs(x)));
    const batch = tf.slice(x, [0, 0], [16, 64]) as tf.Tensor2D;
    const terms = over.lossTerms(batch, { seed: 1 });
    expect(Object.keys(terms).sort()).toEqual(["consistency", "entropy", "overcluster"]);
    const plainTerms = plain.lossTerms(batch, { seed: 1 });
    expect(terms.entropy.dataSync()[0]).toBeCloseTo(plainTerms.entropy.dataSync()[0], 5);
    expect(terms.consistency.dataSync()[0]).toBeCloseTo(plainTerms.consistency.dataSync()[0], 5);
    // The auxiliary terms = the main terms of a 12-cluster model whose output layer is the auxiliary head.
    const asMain = EntropyClusterer.create({ ...base, numClusters: 12 });
    asMain.variables["hidden1.kernel"].assign(over.variables["hidden1.kernel"]);
    asMain.variables["output.kernel"].assign(over.variables["overcluster.kernel"]);
    const auxTerms = asMain.lossTerms(batch, { seed: 1 });
    expect(terms.overcluster.dataSync()[0]).toBeCloseTo(auxTerms.entropy.dataSync()[0] + auxTerms.consistency.dataSync()[0], 4);
    tf.dispose([...Object.values(terms), ...Object.values(plainTerms), ...Object.values(auxTerms), batch]);
    asMain.dispose();
    expect(over.predict(x).every((c) => c >= 0 && c < 4)).toBe(true);
    const before = tf.memory().numTensors;
    const h = await over.fit(x, { epochs: 3, batchSize: 32, learningRate: 0.01, seed: 4 });
    expect(h.epochs[0].terms).toHaveProperty("overcluster");
    expect(over.relativeChange("overcluster.kernel")).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    const dir = mkdtempSync(join(tmpdir(), "entropy-overcluster-"));
    await over.save(dir);
    const loaded = await EntropyClusterer.load(dir);
    expect(loaded.config.overclusterCount).toBe(12);
    expect(values(loaded.outputs(x))).toEqual(values(over.outputs(x)));
    expect(() => EntropyClusterer.create({ ...base, overclusterCount: 1 })).toThrow(/option 'overclusterCount' must be 0 \(no head\) or >= 2/);
    tf.dispose([x]);
    [plain, over, loaded].forEach((m) => m.dispose());
  });

  it("trains with neighbours from a kNN graph: clusters blobs, memory flat, resumes bit-for-bit", async () => {
    const { x, labels } = blobs(200, 8, 5);
    const graph = knnGraph(x, 5);
    const cfg = { inputSize: 8, hiddenSizes: [16], numClusters: 4, lambda: 2, neighbourWeight: 0.5, seed: 3 };
    const m = EntropyClusterer.create(cfg);
    const before = tf.memory().numTensors;
    const h = await m.fit(x, { epochs: 25, batchSize: 50, learningRate: 0.01, seed: 3, neighbours: graph });
    expect(tf.memory().numTensors).toBe(before);
    expect(h.epochs[0].terms).toHaveProperty("neighbour");
    expect(h.epochs[24].terms.neighbour).toBeLessThan(h.epochs[0].terms.neighbour);
    expect(hungarianAccuracy(labels, m.predict(x))).toBeGreaterThan(0.95);
    const dir = mkdtempSync(join(tmpdir(), "entropy-clusterer-nbr-"));
    const a = EntropyClusterer.create(cfg);
    await a.fit(x, { epochs: 3, batchSize: 50, seed: 2, neighbours: graph, checkpoint: { dir }, stopAfterSteps: 6 });
    const b = EntropyClusterer.create(cfg);
    await b.fit(x, { epochs: 3, batchSize: 50, seed: 2, neighbours: graph, checkpoint: { dir }, resume: true });
    const full = EntropyClusterer.create(cfg);
    await full.fit(x, { epochs: 3, batchSize: 50, seed: 2, neighbours: graph });
    expect(values(b.outputs(x))).toEqual(values(full.outputs(x)));
    x.dispose();
    [m, a, b, full].forEach((c) => c.dispose());
  });

  it("names a missing, mismatched or unused neighbour table", async () => {
    const { x } = blobs(20, 8, 14);
    const m = EntropyClusterer.create({ inputSize: 8, hiddenSizes: [4], numClusters: 2, neighbourWeight: 1 });
    await expect(m.fit(x, { epochs: 1, batchSize: 10 })).rejects.toThrow(/option 'neighbours' .* is required with neighbourWeight 1/);
    await expect(m.fit(x, { epochs: 1, batchSize: 10, neighbours: { n: 19, k: 1, neighbours: new Int32Array(19) } })).rejects.toThrow(/1 neighbours for each of the 20 rows/);
    const far = new Int32Array(20).fill(3);
    far[7] = 20;
    await expect(m.fit(x, { epochs: 1, batchSize: 10, neighbours: { n: 20, k: 1, neighbours: far } })).rejects.toThrow(/index 20 \(row 7\), outside the 20 rows/);
    const plain = EntropyClusterer.create({ inputSize: 8, hiddenSizes: [4], numClusters: 2 });
    await expect(plain.fit(x, { epochs: 1, batchSize: 10, neighbours: knnGraph(x, 2) })).rejects.toThrow(/neighbourWeight is 0/);
    expect(() => EntropyClusterer.create({ inputSize: 8, neighbourWeight: -1 })).toThrow(/neighbourWeight/);
    x.dispose();
    [m, plain].forEach((c) => c.dispose());
  });

  it("runs the conv architecture", async () => {
    const x = tf.randomUniform([12, 64], 0, 1, "float32", 7) as tf.Tensor2D;
    const m = EntropyClusterer.create({ inputSize: 64, architecture: "conv", convFilters: [2, 3], hiddenSizes: [5], numClusters: 3, consistencyWeight: 0.5, seed: 5 });
    expect(m.config.imageShape).toEqual([8, 8, 1]);
    expect(m.outputs(x).shape).toEqual([12, 3]);
    const h = await m.fit(x, { epochs: 2, batchSize: 6 });
    expect(Number.isFinite(h.epochs[1].loss)).toBe(true);
    expect(m.relativeChange("conv1.kernel")).toBeGreaterThan(0);
    x.dispose();
    m.dispose();
  });

  it("resumes bit-for-bit (augmentation seeded per step)", async () => {
    const { x } = blobs(40, 16, 8);
    const cfg = { inputSize: 16, hiddenSizes: [6], numClusters: 3, consistencyWeight: 1, seed: 9 };
    const full = EntropyClusterer.create(cfg);
    await full.fit(x, { epochs: 3, batchSize: 10, seed: 2 });
    const dir = mkdtempSync(join(tmpdir(), "entropy-clusterer-"));
    const a = EntropyClusterer.create(cfg);
    await a.fit(x, { epochs: 3, batchSize: 10, seed: 2, checkpoint: { dir }, stopAfterSteps: 6 });
    const b = EntropyClusterer.create(cfg);
    const h = await b.fit(x, { epochs: 3, batchSize: 10, seed: 2, checkpoint: { dir }, resume: true });
    expect(h.resumedFrom?.epoch).toBe(1);
    expect(values(b.outputs(x))).toEqual(values(full.outputs(x)));
    x.dispose();
    [full, a, b].forEach((m) => m.dispose());
  });

  it("round-trips through save/load", async () => {
    const { x } = blobs(20, 16, 9);
    const m = EntropyClusterer.create({ inputSize: 16, hiddenSizes: [6, 5], numClusters: 4, batchTerm: "perUnit", lambda: 0.5, seed: 6 });
    await m.fit(x, { epochs: 2, batchSize: 10 });
    const dir = mkdtempSync(join(tmpdir(), "entropy-clusterer-"));
    await m.save(dir);
    const r = await EntropyClusterer.load(dir);
    expect(r.config).toEqual(m.config);
    expect(values(r.outputs(x))).toEqual(values(m.outputs(x)));
    expect(r.relativeChange("output.kernel")).toBeCloseTo(m.relativeChange("output.kernel"), 6);
    x.dispose();
    m.dispose();
    r.dispose();
  });

  it("rejects bad configs and inputs with SparsekitError", async () => {
    expect(() => EntropyClusterer.create({ inputSize: 10, consistencyWeight: 1 })).toThrow(/consistency term augments images; pass option 'imageShape'/);
    expect(() => EntropyClusterer.create({ inputSize: 10, architecture: "conv" })).toThrow(/architecture "conv" needs option 'imageShape'/);
    expect(() => EntropyClusterer.create({ inputSize: 16, beta: 0 })).toThrow(/option 'beta' must be nonzero/);
    expect(() => EntropyClusterer.create({ inputSize: 16, numClusters: 1 })).toThrow(/numClusters/);
    expect(() => EntropyClusterer.create({ inputSize: 16, augmentedViews: 0 })).toThrow(/augmentedViews/);
    expect(() => EntropyClusterer.create({ inputSize: 16, imageShape: [3, 3, 1] })).toThrow(/imageShape/);
    expect(() => EntropyClusterer.create({ inputSize: 16, batchTerm: "global" as never })).toThrow(/batchTerm/);
    expect(() => EntropyClusterer.create({ inputSize: 16, colour: 1 } as never)).toThrow(/unknown option 'colour'/);
    const m = EntropyClusterer.create({ inputSize: 16, hiddenSizes: [4] });
    const bad = tf.zeros([3, 15]) as tf.Tensor2D;
    expect(() => m.predict(bad)).toThrow(/EntropyClusterer.predict: argument 'x' must have 16 features per row/);
    const x = tf.zeros([11, 16]) as tf.Tensor2D;
    await expect(m.fit(x, { epochs: 1, batchSize: 5 })).rejects.toThrow(/last batch of 1 sample/);
    await expect(m.fit(x, { epochs: 1, batchSize: 1 })).rejects.toThrow(SparsekitError);
    tf.dispose([bad, x]);
    m.dispose();
  });
});
