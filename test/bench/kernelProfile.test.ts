import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { kernelFlops, profileStep } from "../../src/bench/kernelProfile.js";

describe("kernelFlops", () => {
  it("counts 2 M N K for products, transposed or batched", () => {
    expect(kernelFlops("BatchMatMul", [[1, 3, 4], [1, 4, 5]], [[1, 3, 5]])).toBe(2 * 3 * 4 * 5);
    expect(kernelFlops("BatchMatMul", [[2, 4, 3], [2, 4, 5]], [[2, 3, 5]])).toBe(2 * 2 * 3 * 4 * 5); // transposeA
    expect(kernelFlops("_FusedMatMul", [[1, 3, 4], [1, 4, 5], [5]], [[1, 3, 5]])).toBe(120);
  });

  it("counts the forward convolution's multiply-adds for the convolution and both its gradients", () => {
    const forward = 2 * (2 * 5 * 5 * 8) * (3 * 3 * 4);
    expect(kernelFlops("Conv2D", [[2, 5, 5, 4], [3, 3, 4, 8]], [[2, 5, 5, 8]])).toBe(forward);
    expect(kernelFlops("FusedConv2D", [[2, 5, 5, 4], [3, 3, 4, 8], [8]], [[2, 5, 5, 8]])).toBe(forward);
    expect(kernelFlops("Conv2DBackpropInput", [[2, 5, 5, 8], [3, 3, 4, 8]], [[2, 5, 5, 4]])).toBe(forward);
    expect(kernelFlops("Conv2DBackpropFilter", [[2, 5, 5, 4], [2, 5, 5, 8]], [[3, 3, 4, 8]])).toBe(forward);
  });

  it("returns null for other kernels and malformed shapes", () => {
    expect(kernelFlops("Add", [[3], [3]], [[3]])).toBeNull();
    expect(kernelFlops("Conv2D", [[2, 5, 5, 4]], [[2, 5, 5, 8]])).toBeNull();
    expect(kernelFlops("BatchMatMul", [], [])).toBeNull();
  });
});

describe("profileStep", () => {
  it("sums time and FLOPs per kernel, longest first, shares adding to 1, no tensors left", async () => {
    const a = tf.randomNormal([64, 32]);
    const b = tf.randomNormal([32, 16]);
    const before = tf.memory().numTensors;
    const p = await profileStep(() => tf.tidy(() => tf.relu(tf.add(tf.matMul(a, b), tf.matMul(a, b))).sum().dataSync()[0]));
    expect(tf.memory().numTensors).toBe(before);
    const mm = p.kernels.find((k) => k.kernel === "BatchMatMul");
    expect(mm?.calls).toBe(2);
    expect(mm?.gflop).toBeCloseTo((2 * 2 * 64 * 32 * 16) / 1e9, 12);
    expect(p.kernels.find((k) => k.kernel === "Relu")?.gflop).toBeNull();
    expect(p.kernels.reduce((s, k) => s + k.share, 0)).toBeCloseTo(1, 6);
    for (let i = 1; i < p.kernels.length; i++) expect(p.kernels[i - 1].ms).toBeGreaterThanOrEqual(p.kernels[i].ms);
    expect(p.wallMs).toBeGreaterThanOrEqual(0);
    tf.dispose([a, b]);
  });

  it("leaves out op scopes (a custom gradient, a fused op), whose kernels it counts already", async () => {
    const a = tf.randomNormal([16, 8]);
    const b = tf.randomNormal([8, 4]);
    const square = tf.customGrad((x) => ({ value: tf.square(x as tf.Tensor), gradFunc: (dy: tf.Tensor) => dy }));
    const p = await profileStep(() => tf.tidy(() => (square(tf.fused.matMul({ a, b, bias: tf.ones([4]) })) as tf.Tensor).sum().dataSync()[0]));
    const names = p.kernels.map((k) => k.kernel);
    expect(names).toContain("Square");
    expect(names.some((n) => n.includes("__op") || n.includes("scope"))).toBe(false);
    for (const n of names) expect(tf.getKernel(n, tf.getBackend())).toBeDefined();
    tf.dispose([a, b]);
  });
});
