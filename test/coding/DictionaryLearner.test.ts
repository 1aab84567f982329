import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { DictionaryLearner } from "../../src/coding/DictionaryLearner.js";
import { normalizeColumns } from "../../src/coding/dictionaryUpdate.js";
import { createRng } from "../../src/random/index.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

/** N samples, each a sum of `k` random atoms of a known unit-norm dictionary (D x M) with weights in +-[1, 2]. */
function synthetic(d: number, m: number, n: number, k: number, seed: number) {
  const truth = normalizeColumns(tf.randomNormal([d, m], 0, 1, "float32", seed));
  const rng = createRng(seed);
  const codes = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) codes[i * m + rng.int(m)] = (rng.next() < 0.5 ? -1 : 1) * (1 + rng.next());
  }
  const x = tf.tidy(() => tf.matMul(tf.tensor2d(codes, [n, m]), truth, false, true)) as tf.Tensor2D;
  return { truth, x };
}

describe("DictionaryLearner", () => {
  it("recovers the atoms of a known sparse dictionary", () => {
    const { truth, x } = synthetic(16, 20, 2000, 2, 21);
    const learner = DictionaryLearner.create({ inputSize: 16, atoms: 20, lambda: 0.3, learningRate: 1, inferenceIterations: 60, seed: 3 });
    const records = learner.fit(x, { steps: 250, batchSize: 128, finalLearningRate: 0.1 });
    expect(records[records.length - 1]!.reconstructionMse).toBeLessThan(records[0]!.reconstructionMse * 0.5);
    const cos = tf.abs(tf.matMul(truth, learner.phi, true, false)).arraySync() as number[][];
    const recovered = cos.filter((row) => Math.max(...row) > 0.9).length;
    expect(recovered).toBeGreaterThanOrEqual(17);
    learner.dispose();
  });

  it("is seeded: the same seed gives the same dictionary", () => {
    const { x } = synthetic(8, 10, 200, 2, 5);
    const run = () => {
      const l = DictionaryLearner.create({ inputSize: 8, atoms: 10, lambda: 0.1, inferenceIterations: 20, seed: 9 });
      l.fit(x, { steps: 5, batchSize: 32 });
      const v = Array.from(l.phi.dataSync());
      l.dispose();
      return v;
    };
    expect(run()).toEqual(run());
  });

  it("keeps unit-norm atoms, saves and loads, and does not leak tensors", async () => {
    const { x } = synthetic(8, 10, 200, 2, 6);
    const l = DictionaryLearner.create({ inputSize: 8, atoms: 10, lambda: 0.1, inferenceIterations: 10 });
    const before = tf.memory().numTensors;
    l.fit(x, { steps: 3, batchSize: 16 });
    expect(tf.memory().numTensors).toBe(before);
    const norms = tf.norm(l.phi, 2, 0).dataSync();
    for (const n of norms) expect(n).toBeCloseTo(1, 5);
    const dir = mkdtempSync(join(tmpdir(), "sparsekit-dictionary-"));
    await l.save(dir);
    const back = await DictionaryLearner.load(dir);
    expect(back.stepCount).toBe(3);
    expect(back.config).toEqual(l.config);
    expect(Array.from(back.phi.dataSync())).toEqual(Array.from(l.phi.dataSync()));
    l.dispose();
    back.dispose();
  });

  it("a saved and reloaded learner continues exactly as one that never stopped", async () => {
    const { x } = synthetic(8, 10, 300, 2, 8);
    const make = () => DictionaryLearner.create({ inputSize: 8, atoms: 10, lambda: 0.1, inferenceIterations: 15, seed: 2 });
    const straight = make();
    straight.fit(x, { steps: 3, batchSize: 32 });
    straight.fit(x, { steps: 3, batchSize: 32 });
    const interrupted = make();
    interrupted.fit(x, { steps: 3, batchSize: 32 });
    const dir = mkdtempSync(join(tmpdir(), "sparsekit-dictionary-resume-"));
    await interrupted.save(dir);
    interrupted.dispose();
    const resumed = await DictionaryLearner.load(dir);
    resumed.fit(x, { steps: 3, batchSize: 32 });
    expect(Array.from(resumed.phi.dataSync())).toEqual(Array.from(straight.phi.dataSync()));
    straight.dispose();
    resumed.dispose();
  });

  it("rejects bad configs and inputs by name", () => {
    expect(() => DictionaryLearner.create({ inputSize: 8, atoms: 0, lambda: 0.1 })).toThrow(/option 'atoms'/);
    expect(() => DictionaryLearner.create({ inputSize: 8, atoms: 4, lambda: 0.1, eta: 1 } as never)).toThrow(/unknown option 'eta'/);
    const l = DictionaryLearner.create({ inputSize: 8, atoms: 4, lambda: 0.1 });
    expect(() => l.step(tf.zeros([4, 7]) as tf.Tensor2D)).toThrow(/'phi' must have as many rows as x has columns \(7\)/);
    expect(() => l.fit(tf.zeros([4, 8]) as tf.Tensor2D, { steps: 0 })).toThrow(/option 'steps'/);
    l.dispose();
  });
});
