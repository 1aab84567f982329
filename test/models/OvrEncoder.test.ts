import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { RandomReluFeatures } from "../../src/baselines/randomReluFeatures.js";
import { OvrEncoder } from "../../src/models/OvrEncoder.js";
import { ovrOverlap } from "../../src/objectives/ovrOverlap.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Autodiff reference: J = mean_i (||h_i|| - 1)^2 + lambda * OVR(H) through tf ops (test only). */
function autodiffGradients(model: OvrEncoder, x: tf.Tensor2D, lambda: number, reduction: "sum" | "mean") {
  const { W, b } = model.variables;
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const h = tf.relu(tf.add(tf.matMul(x, W), b));
      const norms = tf.sqrt(tf.sum(tf.square(h), 1));
      const l = tf.mean(tf.square(tf.sub(norms, 1)));
      return tf.add(l, tf.mul(lambda, ovrOverlap(h, { reduction }))) as tf.Scalar;
    }, [W, b]);
    return { value: value.dataSync()[0], W: grads[W.name].arraySync() as number[][], b: grads[b.name].arraySync() as number[] };
  });
}

function relErr(a: number[], b: number[]): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    na += a[i] ** 2;
    nb += b[i] ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(na), Math.sqrt(nb), 1e-30);
}

function data(n: number, d: number, seed: number): tf.Tensor2D {
  // A positive first coordinate gives every sample some active units (no silent rows, where
  // the norm's autodiff gradient is undefined).
  return tf.tidy(() => tf.concat([tf.ones([n, 1]), tf.randomNormal([n, d - 1], 0, 1, "float32", seed)], 1)) as tf.Tensor2D;
}

describe("OvrEncoder", () => {
  it("explicit update equals the autodiff gradient of J to 1e-4 (sum and mean, several lambdas)", () => {
    const x = data(16, 6, 1);
    for (const [lambda, reduction] of [[1e-3, "sum"], [0.05, "sum"], [0.5, "mean"], [0, "sum"]] as const) {
      const m = OvrEncoder.create({ inputSize: 6, hiddenSize: 9, lambda, reduction, seed: 2 });
      tf.tidy(() => m.variables.b.assign(tf.randomUniform([9], -0.2, 0.5, "float32", 3)));
      const g = m.gradients(x);
      const ref = autodiffGradients(m, x, lambda, reduction);
      expect(relErr(Array.from(g.W.dataSync()), ref.W.flat())).toBeLessThan(1e-4);
      expect(relErr(Array.from(g.b.dataSync()), ref.b)).toBeLessThan(1e-4);
      expect(g.total).toBeCloseTo(ref.value, 4);
      // the cost agrees with ovrOverlap
      const h = m.encode(x);
      expect(g.overlap).toBeCloseTo(ovrOverlap(h, { reduction }).dataSync()[0], 3);
      expect(m.cost(x).total).toBeCloseTo(g.total, 5);
      tf.dispose([g.W, g.b, h]);
      m.dispose();
    }
    x.dispose();
  });

  it("OVR part has the factor 2: dJ/dW of lambda*OVR is 2 lambda sum_i g_ik (S_k - h_ik) x_i", () => {
    // A hand case with one unit and W chosen so L's gradient vanishes (||h_i|| = 1 for both samples).
    const m = OvrEncoder.create({ inputSize: 2, hiddenSize: 1, lambda: 1, seed: 0 });
    m.variables.W.assign(tf.tensor2d([[1], [0]]));
    const x = tf.tensor2d([[1, 5], [1, -3]]); // h = 1, 1; S = 2
    const g = m.gradients(x);
    expect(g.normTerm).toBeCloseTo(0, 6);
    expect(g.overlap).toBeCloseTo(2, 6); // <h1,h2> counted twice
    // 2 * [(2 - 1) * (1, 5) + (2 - 1) * (1, -3)] = (4, 4)
    expect(Array.from(g.W.dataSync())).toEqual([4, 4]);
    expect(Array.from(g.b.dataSync())).toEqual([4]);
    tf.dispose([x, g.W, g.b]);
    m.dispose();
  });

  it("training lowers the cost on tiny data and raises code sparsity", () => {
    const x = data(64, 8, 4);
    const m = OvrEncoder.create({ inputSize: 8, hiddenSize: 32, lambda: 0.01, seed: 1 });
    const before = m.cost(x).total;
    const zerosBefore = tf.tidy(() => tf.mean(tf.cast(tf.equal(m.encode(x), 0), "float32")).dataSync()[0]);
    const seen: number[] = [];
    const r = m.fit(x, { epochs: 30, batchSize: 16, learningRate: 1e-2, onEpochEnd: (e) => seen.push(e.epoch) });
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(r.steps).toBe(30 * 4);
    const after = m.cost(x).total;
    expect(after).toBeLessThan(0.5 * before);
    expect(r.epochs[29].total).toBeLessThan(r.epochs[0].total);
    const zerosAfter = tf.tidy(() => tf.mean(tf.cast(tf.equal(m.encode(x), 0), "float32")).dataSync()[0]);
    expect(zerosAfter).toBeGreaterThan(zerosBefore);
    expect(m.relativeChange("W")).toBeGreaterThan(0);
    x.dispose();
    m.dispose();
  });

  it("maxSteps stops mid-epoch; stepsPerEpoch counts the batches fit() takes", () => {
    expect(OvrEncoder.stepsPerEpoch(8000, 128)).toBe(63);
    expect(OvrEncoder.stepsPerEpoch(10, 3)).toBe(3); // remainder of 1 sample is skipped
    expect(OvrEncoder.stepsPerEpoch(11, 3)).toBe(4);
    const x = data(40, 5, 5);
    const m = OvrEncoder.create({ inputSize: 5, hiddenSize: 7, lambda: 0.01, seed: 3 });
    const r = m.fit(x, { epochs: 10, batchSize: 8, maxSteps: 12 });
    expect(r.steps).toBe(12);
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]); // 5 + 5 + 2 steps
    expect(() => m.fit(x, { maxSteps: 0 })).toThrow(/'maxSteps' must be an integer, >= 1/);
    x.dispose();
    m.dispose();
  });

  it("is reproducible: same seeds, same weights", () => {
    const x = data(40, 5, 5);
    const run = () => {
      const m = OvrEncoder.create({ inputSize: 5, hiddenSize: 7, lambda: 0.01, seed: 3 });
      m.fit(x, { epochs: 3, batchSize: 8, seed: 9 });
      const w = Array.from(m.variables.W.dataSync());
      m.dispose();
      return w;
    };
    expect(run()).toEqual(run());
    x.dispose();
  });

  it("unitNormRows keeps every row of W at unit norm", () => {
    const x = data(48, 6, 6);
    const m = OvrEncoder.create({ inputSize: 6, hiddenSize: 10, lambda: 0.05, unitNormRows: true, seed: 2 });
    const norms0 = tf.norm(m.variables.W, "euclidean", 0).dataSync();
    for (const v of norms0) expect(v).toBeCloseTo(1, 5);
    m.fit(x, { epochs: 5, batchSize: 12, learningRate: 0.01 });
    const norms = tf.norm(m.variables.W, "euclidean", 0).dataSync();
    for (const v of norms) expect(v).toBeCloseTo(1, 5);
    expect(m.relativeChange("W")).toBeGreaterThan(0);
    // the free-scale variant does let the row norms drift
    const f = OvrEncoder.create({ inputSize: 6, hiddenSize: 10, lambda: 0.05, seed: 2 });
    f.fit(x, { epochs: 5, batchSize: 12, learningRate: 0.01 });
    const fn = tf.norm(f.variables.W, "euclidean", 0).dataSync();
    expect(Math.max(...Array.from(fn, (v) => Math.abs(v - 1)))).toBeGreaterThan(1e-3);
    x.dispose();
    m.dispose();
    f.dispose();
  });

  it("starts from the random ReLU features of the same seed (its untrained control)", () => {
    const m = OvrEncoder.create({ inputSize: 5, hiddenSize: 7, seed: 11 });
    const r = new RandomReluFeatures({ inputDim: 5, width: 7, seed: 11 });
    const filters = m.filters();
    expect(filters.shape).toEqual([7, 5]);
    expect(Array.from(filters.dataSync())).toEqual(Array.from(r.weights.dataSync()));
    const x = data(6, 5, 12);
    const a = m.encode(x);
    const b = r.transform(x);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([filters, x, a, b]);
    r.dispose();
    m.dispose();
  });

  it("save/load round-trips weights, config and the initial snapshot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ovr-encoder-"));
    const x = data(20, 4, 7);
    const m = OvrEncoder.create({ inputSize: 4, hiddenSize: 6, lambda: 0.02, reduction: "mean", unitNormRows: true, seed: 4 });
    m.fit(x, { epochs: 2, batchSize: 5, learningRate: 0.01 });
    await m.save(dir);
    const l = await OvrEncoder.load(dir);
    expect(l.config).toEqual(m.config);
    expect(Array.from(l.variables.W.dataSync())).toEqual(Array.from(m.variables.W.dataSync()));
    expect(Array.from(l.variables.b.dataSync())).toEqual(Array.from(m.variables.b.dataSync()));
    expect(l.relativeChange("W")).toBeCloseTo(m.relativeChange("W"), 6);
    const a = m.encode(x);
    const b = l.encode(x);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    m.dispose();
    l.dispose();
  });

  it("rejects bad configs and inputs with named arguments", () => {
    expect(() => OvrEncoder.create({ inputSize: 3, hiddenSize: 0 })).toThrow(/OvrEncoder.create: option 'hiddenSize' must be an integer, >= 1, got 0/);
    expect(() => OvrEncoder.create({ inputSize: 3, hiddenSize: 2, lambda: -1 })).toThrow(/'lambda' must be a finite number, >= 0/);
    expect(() => OvrEncoder.create({ inputSize: 3, hiddenSize: 2, lamda: 1 } as never)).toThrow(/unknown option 'lamda'/);
    const m = OvrEncoder.create({ inputSize: 3, hiddenSize: 2 });
    const one = tf.zeros([1, 3]);
    expect(() => m.gradients(one)).toThrow(/at least 2 samples.*got 1/);
    expect(() => m.encode(tf.zeros([2, 4]))).toThrow(/must have 3 columns \(inputSize\), got shape \[2, 4\]/);
    expect(() => m.fit(tf.zeros([4, 3]), { batchSize: 1 })).toThrow(SparsekitError);
    expect(() => m.fit(tf.zeros([4, 3]), { epoch: 1 } as never)).toThrow(/unknown option 'epoch'/);
    expect(() => m.encode(tf.tensor2d([[NaN, 0, 0]]))).toThrow(/finite/);
    expect(() => m.fit(tf.zeros([4, 3]), { learningRate: 1e9, epochs: 1, batchSize: 2 })).not.toThrow(); // zero input: no move
    one.dispose();
    m.dispose();
  });

  it("reports divergence instead of returning NaN weights", () => {
    const x = tf.mul(data(16, 4, 8), 1e18) as tf.Tensor2D;
    const m = OvrEncoder.create({ inputSize: 4, hiddenSize: 5, lambda: 10, seed: 1 });
    expect(() => m.fit(x, { epochs: 3, batchSize: 8, learningRate: 1e3 })).toThrow(/diverged in epoch/);
    x.dispose();
    m.dispose();
  });
});
