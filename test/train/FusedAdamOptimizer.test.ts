import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { ADAM_UPDATE_KERNEL, installAdamUpdateKernel } from "../../src/backend/adamUpdateKernel.js";
import { FusedAdamOptimizer } from "../../src/train/FusedAdamOptimizer.js";
import { expectClose, seededValues } from "../backend/backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});
afterAll(async () => {
  await tf.setBackend("wasm");
});

/** 25 steps of a small regression (two weights and a bias) with `optimizer`; returns the variables and moments. */
async function train(optimizer: tf.Optimizer, steps = 25): Promise<Float32Array[]> {
  const w1 = tf.variable(tf.tensor(seededValues(12, 1), [4, 3]));
  const w2 = tf.variable(tf.tensor(seededValues(6, 2), [3, 2]));
  const b = tf.variable(tf.zeros([2]));
  const x = tf.tensor(seededValues(40, 3), [10, 4]);
  const y = tf.tensor(seededValues(20, 4), [10, 2]);
  for (let i = 0; i < steps; i++) {
    tf.dispose(optimizer.minimize(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(tf.tanh(tf.matMul(x, w1)), w2), b), y))) as tf.Scalar, false, [w1, w2, b]) ?? []);
  }
  const moments = (await optimizer.getWeights()).slice(1).map((w) => w.tensor.dataSync() as Float32Array);
  const out = [w1, w2, b].map((v) => v.dataSync() as Float32Array).concat(moments);
  tf.dispose([w1, w2, b, x, y]);
  optimizer.dispose();
  return out;
}

describe("FusedAdamOptimizer", () => {
  it.each(["cpu", "wasm"])("gives tf.train.adam's values and moments bit for bit on %s", async (backend) => {
    await tf.setBackend(backend);
    const fused = await train(new FusedAdamOptimizer(0.05, 0.9, 0.99, 1e-7));
    const reference = await train(tf.train.adam(0.05, 0.9, 0.99, 1e-7));
    expect(fused).toHaveLength(9);
    fused.forEach((a, i) => expect(a).toEqual(reference[i]));
  });

  it("takes tfjs's path where the backend has no fused kernel, with the same state", async () => {
    await tf.setBackend("cpu");
    const optimizer = new FusedAdamOptimizer(0.05); // installs the kernels
    const kernel = tf.getKernel(ADAM_UPDATE_KERNEL, "cpu")!;
    tf.unregisterKernel(ADAM_UPDATE_KERNEL, "cpu");
    try {
      const fallback = await train(optimizer);
      const reference = await train(tf.train.adam(0.05));
      fallback.forEach((a, i) => expect(a).toEqual(reference[i]));
    } finally {
      tf.registerKernel(kernel);
    }
  });

  it("keeps tfjs's class name and checkpoint format; resuming from getWeights continues the same run", async () => {
    await tf.setBackend("wasm");
    installAdamUpdateKernel();
    expect(new FusedAdamOptimizer(0.1).getClassName()).toBe("Adam");
    const whole = await train(new FusedAdamOptimizer(0.05), 20);
    // 10 steps, save the state into a fresh optimizer, 10 more steps
    const w1 = tf.variable(tf.tensor(seededValues(12, 1), [4, 3]));
    const w2 = tf.variable(tf.tensor(seededValues(6, 2), [3, 2]));
    const b = tf.variable(tf.zeros([2]));
    const x = tf.tensor(seededValues(40, 3), [10, 4]);
    const y = tf.tensor(seededValues(20, 4), [10, 2]);
    const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(tf.tanh(tf.matMul(x, w1)), w2), b), y))) as tf.Scalar;
    const first = new FusedAdamOptimizer(0.05);
    for (let i = 0; i < 10; i++) tf.dispose(first.minimize(loss, false, [w1, w2, b]) ?? []);
    const saved = (await first.getWeights()).map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
    first.dispose();
    const second = new FusedAdamOptimizer(0.05);
    await second.setWeights(saved);
    for (let i = 0; i < 10; i++) tf.dispose(second.minimize(loss, false, [w1, w2, b]) ?? []);
    // setWeights recomputes beta^t with pow(): equal up to rounding
    expectClose(w1.dataSync(), whole[0], 1e-4, 1e-6);
    expectClose(b.dataSync(), whole[2], 1e-4, 1e-6);
    second.dispose();
    tf.dispose([w1, w2, b, x, y, ...saved.map((s) => s.tensor)]);
  });

  it("leaves the tensor count flat over steps", async () => {
    await tf.setBackend("wasm");
    const w = tf.variable(tf.ones([5, 5]));
    const opt = new FusedAdamOptimizer(0.01);
    const step = () => tf.dispose(opt.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, true, [w]) ?? []);
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    w.dispose();
  });
});
