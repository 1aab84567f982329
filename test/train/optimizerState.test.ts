import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { createOptimizer, type OptimizerSpec } from "../../src/train/optimizer.js";
import {
  disposeOptimizerState,
  exportOptimizerState,
  importOptimizerState,
  loadOptimizerState,
  restoreOptimizer,
  saveOptimizerState,
} from "../../src/train/optimizerState.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const x = tf.randomNormal([16, 5], 0, 1, "float32", 1);
const y = tf.randomNormal([16, 3], 0, 1, "float32", 2);
let id = 0;

function lossOf(ws: tf.Variable[]): () => tf.Scalar {
  return () => tf.losses.meanSquaredError(y, tf.matMul(tf.tanh(tf.matMul(x, ws[0])), ws[1])) as tf.Scalar;
}

function vars(from?: tf.Tensor[]): tf.Variable[] {
  const init = from ?? [tf.randomNormal([5, 4], 0, 1, "float32", 3), tf.randomNormal([4, 3], 0, 1, "float32", 4)];
  return init.map((t, i) => tf.variable(t, true, `v${i}_${id++}`));
}

const flat = (ws: tf.Variable[]) => ws.map((w) => Array.from(w.dataSync()));

const specs: OptimizerSpec[] = [
  { name: "adam", learningRate: 0.05 },
  { name: "sgd", learningRate: 0.05 },
  { name: "momentum", learningRate: 0.05, momentum: 0.9 },
  { name: "rmsprop", learningRate: 0.01, momentum: 0.5, centered: true },
];

describe("optimizer state", () => {
  for (const spec of specs) {
    it(`${spec.name}: a restored optimizer continues bit-identically (in memory and through files)`, async () => {
      const a = vars();
      const optA = createOptimizer(spec);
      for (let i = 0; i < 20; i++) optA.minimize(lossOf(a), false, a);
      const snapshot = a.map((w) => tf.clone(w));
      const state = await exportOptimizerState(optA);
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-opt-"));
      await saveOptimizerState(optA, dir);
      for (let i = 0; i < 15; i++) optA.minimize(lossOf(a), false, a);

      const b = vars(snapshot);
      const optB = createOptimizer(spec);
      await importOptimizerState(optB, state);
      for (let i = 0; i < 15; i++) optB.minimize(lossOf(b), false, b);
      expect(flat(b)).toEqual(flat(a));

      const loaded = await loadOptimizerState(dir);
      expect(loaded.spec.name).toBe(spec.name);
      const c = vars(snapshot);
      const optC = await restoreOptimizer(loaded);
      for (let i = 0; i < 15; i++) optC.minimize(lossOf(c), false, c);
      expect(flat(c)).toEqual(flat(a));
      expect(optC.iterations).toBe(35);
      disposeOptimizerState(state);
      disposeOptimizerState(loaded);
    });
  }

  it("keeps Adam's running beta powers, which tfjs's own setWeights gets wrong in the last bit", async () => {
    const a = vars();
    const optA = createOptimizer({ name: "adam", learningRate: 0.05 });
    for (let i = 0; i < 20; i++) optA.minimize(lossOf(a), false, a);
    const snapshot = a.map((w) => tf.clone(w));
    const state = await exportOptimizerState(optA);
    expect(state.weights.map((w) => w.name).slice(-2)).toEqual(["sparsekit/adam/accBeta1", "sparsekit/adam/accBeta2"]);
    for (let i = 0; i < 30; i++) optA.minimize(lossOf(a), false, a);

    const raw = vars(snapshot);
    const optRaw = createOptimizer({ name: "adam", learningRate: 0.05 });
    await optRaw.setWeights(state.weights.filter((w) => !w.name.startsWith("sparsekit/")).map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) })));
    for (let i = 0; i < 30; i++) optRaw.minimize(lossOf(raw), false, raw);
    expect(flat(raw)).not.toEqual(flat(a));
  });

  it("exports owned copies and frees them", async () => {
    const a = vars();
    const opt = createOptimizer({ name: "adam", learningRate: 0.05 });
    opt.minimize(lossOf(a), false, a);
    const before = tf.memory().numTensors;
    const state = await exportOptimizerState(opt);
    const m = state.weights.find((w) => w.name.endsWith("/m"))!;
    const exported = Array.from(m.tensor.dataSync());
    opt.minimize(lossOf(a), false, a); // the optimizer's moments change; the exported copy must not
    const liveWeights = await opt.getWeights();
    const live = liveWeights.find((w) => w.name === m.name)!;
    expect(Array.from(live.tensor.dataSync())).not.toEqual(exported);
    liveWeights[0].tensor.dispose(); // the 'iter' scalar getWeights() makes
    expect(Array.from(m.tensor.dataSync())).toEqual(exported);
    disposeOptimizerState(state);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses a state from a different optimizer or different settings", async () => {
    const a = vars();
    const opt = createOptimizer({ name: "adam", learningRate: 0.05 });
    opt.minimize(lossOf(a), false, a);
    const state = await exportOptimizerState(opt);
    await expect(importOptimizerState(createOptimizer({ name: "sgd", learningRate: 0.05 }), state)).rejects.toThrow(
      /importOptimizerState: the optimizer \(\{"name":"sgd".*does not match the saved state's spec \(\{"name":"adam"/,
    );
    await expect(importOptimizerState(createOptimizer({ name: "adam", learningRate: 0.1 }), state)).rejects.toThrow(/does not match/);
    await expect(importOptimizerState(createOptimizer({ name: "adam", learningRate: 0.05 }), { ...state, weights: state.weights.slice(1) })).rejects.toThrow(/must start with the iteration count 'iter'/);
  });

  it("restoring an optimizer and disposing it leaves no tensor behind (tfjs setWeights keeps the inputs)", async () => {
    const w = tf.variable(tf.ones([3, 2]));
    const opt = createOptimizer({ name: "adam", learningRate: 0.1 });
    opt.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
    const state = await exportOptimizerState(opt);
    const before = tf.memory().numTensors;
    const restored = await restoreOptimizer(state);
    restored.dispose();
    expect(tf.memory().numTensors).toBe(before);
    disposeOptimizerState(state);
    opt.dispose();
    w.dispose();
  });
});

