import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import {
  installWasmMatMulOverride,
  isWasmMatMulOverrideInstalled,
  swappedIsCheaper,
  uninstallWasmMatMulOverride,
} from "../../src/backend/wasmMatMulOverride.js";
import { backendBuffers, expectClose, seededValues, sizeOf, valuesOn } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

type Shape = number[];
const FLAGS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

/** Shapes of a and b for an (M x K) @ (K x N) product with optional batch dims and transposes. */
function operandShapes(batchA: Shape, batchB: Shape, m: number, k: number, n: number, ta: boolean, tb: boolean): [Shape, Shape] {
  return [[...batchA, ...(ta ? [k, m] : [m, k])], [...batchB, ...(tb ? [n, k] : [k, n])]];
}

async function compareMatMul(aShape: Shape, bShape: Shape, ta: boolean, tb: boolean, seed: number): Promise<void> {
  const av = seededValues(sizeOf(aShape), seed);
  const bv = seededValues(sizeOf(bShape), seed + 1);
  const f = () => tf.matMul(tf.tensor(av, aShape), tf.tensor(bv, bShape), ta, tb);
  const [cpu] = await valuesOn("cpu", f);
  const [wasm] = await valuesOn("wasm", f);
  expectClose(wasm, cpu);
}

describe("wasm matmul override", () => {
  it("is installed by initBackend and is idempotent", () => {
    expect(isWasmMatMulOverrideInstalled()).toBe(true);
    const before = tf.getKernel("BatchMatMul", "wasm")!.kernelFunc;
    expect(installWasmMatMulOverride()).toBe(false);
    expect(tf.getKernel("BatchMatMul", "wasm")!.kernelFunc).toBe(before);
  });

  it.each(FLAGS)("matches cpu for unbatched matMul, transposeA=%s transposeB=%s", async (ta, tb) => {
    const [a, b] = operandShapes([], [], 7, 11, 5, ta, tb);
    await compareMatMul(a, b, ta, tb, 1);
  });

  it.each(FLAGS)("matches cpu for batched matMul, transposeA=%s transposeB=%s", async (ta, tb) => {
    const [a, b] = operandShapes([3], [3], 6, 9, 4, ta, tb);
    await compareMatMul(a, b, ta, tb, 2);
  });

  it("computes a b^T as (b a^T)^T when a has far fewer rows than b (fewer elements transposed and packed)", () => {
    const info = (shape: number[]) => ({ shape, dataId: {}, dtype: "float32" as const });
    expect(swappedIsCheaper(info([8, 500]), info([300, 500]))).toBe(true);
    expect(swappedIsCheaper(info([300, 500]), info([8, 500]))).toBe(false);
    expect(swappedIsCheaper(info([3, 8, 500]), info([3, 300, 500]))).toBe(true);
    expect(swappedIsCheaper(info([8, 500]), info([3, 300, 500]))).toBe(false); // different ranks: direct
  });

  it.each([
    [[], [], 8, 300, 120],
    [[3], [3], 4, 150, 40],
    [[2, 3], [1, 3], 3, 90, 30],
  ] as [Shape, Shape, number, number, number][])("matches cpu on a b^T taken the swapped way (batch %j x %j, M=%i K=%i N=%i)", async (ba, bb, m, k, n) => {
    const [a, b] = operandShapes(ba, bb, m, k, n, false, true);
    await compareMatMul(a, b, false, true, 5);
  });

  it.each(FLAGS)("matches cpu on matrix-vector products (left to tfjs's loop), transposeA=%s transposeB=%s", async (ta, tb) => {
    await compareMatMul(...operandShapes([], [], 1, 70, 9, ta, tb), ta, tb, 6);
    await compareMatMul(...operandShapes([], [], 9, 70, 1, ta, tb), ta, tb, 7);
  });

  it.each(FLAGS)("matches cpu with a broadcast batch and rank 4, transposeA=%s transposeB=%s", async (ta, tb) => {
    const [a, b] = operandShapes([2, 3], [1, 3], 5, 8, 6, ta, tb);
    await compareMatMul(a, b, ta, tb, 3);
    const [a2, b2] = operandShapes([4], [], 5, 8, 6, ta, tb);
    await compareMatMul(a2, b2, ta, tb, 4);
  });

  it.each(FLAGS)("matches cpu for a layer-sized product, transposeA=%s transposeB=%s", async (ta, tb) => {
    const [a, b] = operandShapes([], [], 64, 120, 48, ta, tb);
    await compareMatMul(a, b, ta, tb, 5);
  });

  const ACTIVATIONS = ["linear", "relu", "sigmoid", "elu", "leakyrelu", "prelu"] as const;
  for (const [ta, tb] of FLAGS) {
    it.each(ACTIVATIONS)(`matches cpu for fused matMul with bias, activation %s, transposeA=${ta} transposeB=${tb}`, async (activation) => {
      for (const batch of [[], [2]] as Shape[]) {
        const [aShape, bShape] = operandShapes(batch, batch, 6, 10, 7, ta, tb);
        const av = seededValues(sizeOf(aShape), 10);
        const bv = seededValues(sizeOf(bShape), 11);
        const bias = seededValues(7, 12);
        const alpha = seededValues(7, 13, 0, 0.5);
        const f = () =>
          tf.fused.matMul({
            a: tf.tensor(av, aShape),
            b: tf.tensor(bv, bShape),
            transposeA: ta,
            transposeB: tb,
            bias: tf.tensor1d(bias),
            activation,
            preluActivationWeights: activation === "prelu" ? tf.tensor1d(alpha) : undefined,
            leakyreluAlpha: activation === "leakyrelu" ? 0.15 : undefined,
          });
        const [cpu] = await valuesOn("cpu", f);
        const [wasm] = await valuesOn("wasm", f);
        expectClose(wasm, cpu);
      }
    });
  }

  it("differentiates matMul and fused matMul (relu, bias) like cpu", async () => {
    const av = seededValues(8 * 12, 20);
    const bv = seededValues(12 * 5, 21);
    const bias = seededValues(5, 22);
    const grads = () => {
      const a = tf.tensor2d(av, [8, 12]);
      const b = tf.tensor2d(bv, [12, 5]);
      const c = tf.tensor1d(bias);
      const plain = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y as tf.Tensor2D, false, false))))([a, b]);
      const fused = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, bias: z, activation: "relu" }))),
      )([a, b, c]);
      return [...plain, ...fused];
    };
    const cpu = await valuesOn("cpu", grads);
    const wasm = await valuesOn("wasm", grads);
    expect(wasm).toHaveLength(5);
    wasm.forEach((w, i) => expectClose(w, cpu[i], 1e-4, 1e-4));
  });

  it("frees its transposed temporaries", async () => {
    await tf.setBackend("wasm");
    const a = tf.tensor2d(seededValues(30, 30), [5, 6]);
    const b = tf.tensor2d(seededValues(42, 31), [7, 6]);
    const buffers = backendBuffers();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.matMul(a, b, false, true).dispose();
      tf.fused.matMul({ a, b, transposeB: true, activation: "relu" }).dispose();
    }
    expect(backendBuffers()).toBe(buffers);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([a, b]);
  });

  it("can be removed and reinstalled (stock kernels give the same products)", async () => {
    const [aShape, bShape] = operandShapes([], [], 9, 13, 4, true, true);
    const av = seededValues(sizeOf(aShape), 40);
    const bv = seededValues(sizeOf(bShape), 41);
    const f = () => tf.matMul(tf.tensor(av, aShape), tf.tensor(bv, bShape), true, true);
    const [patched] = await valuesOn("wasm", f);
    uninstallWasmMatMulOverride();
    expect(isWasmMatMulOverrideInstalled()).toBe(false);
    const [stock] = await valuesOn("wasm", f);
    expect(installWasmMatMulOverride()).toBe(true);
    expect(isWasmMatMulOverrideInstalled()).toBe(true);
    expectClose(patched, stock);
  });

  it("replaces a stock kernel that gets a transposed fused bias wrong (why the override exists)", async () => {
    const av = seededValues(4 * 3, 50);
    const bv = seededValues(4 * 5, 51);
    const bias = seededValues(5, 52);
    const f = () =>
      tf.fused.matMul({ a: tf.tensor2d(av, [4, 3]), b: tf.tensor2d(bv, [4, 5]), transposeA: true, bias: tf.tensor1d(bias) });
    const [cpu] = await valuesOn("cpu", f);
    uninstallWasmMatMulOverride();
    const [stock] = await valuesOn("wasm", f);
    installWasmMatMulOverride();
    const [patched] = await valuesOn("wasm", f);
    expectClose(patched, cpu);
    // tfjs-backend-wasm 4.22 adds bias[N - 1] instead of bias[col] to every row after the first.
    expectClose(stock.subarray(0, 5), cpu.subarray(0, 5));
    const maxRowError = Math.max(...Array.from(stock.subarray(5), (v, i) => Math.abs(v - cpu[5 + i])));
    expect(maxRowError).toBeGreaterThan(1e-3);
  });
});
