import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import type { WasmHeapBackend } from "../../src/backend/wasmKernelCalls.js";
import { outerProductMatMul } from "../../src/backend/wasmOuterProductMatMul.js";
import { expectClose, seededValues, valuesOn } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const info = (t: tf.Tensor): tf.TensorInfo => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });

describe("outerProductMatMul", () => {
  // m: a panel of 32 plus rows in fours and a rest; k: more than one chunk of 128; n: 4 to 200.
  it.each([
    [37, 300, 12, false],
    [37, 300, 12, true],
    [3, 5, 4, false],
    [64, 129, 200, true],
    [130, 64, 2048, false],
  ])("a (%i x %i) times b (x %i), transposeA %s, matches the cpu backend", async (m, k, n, transposeA) => {
    const av = seededValues(m * k, 1);
    const bv = seededValues(k * n, 2);
    const f = () => tf.matMul(tf.tensor2d(av, transposeA ? [k, m] : [m, k]), tf.tensor2d(bv, [k, n]), transposeA, false);
    const [cpu] = await valuesOn("cpu", f);
    await tf.setBackend("wasm");
    const a = tf.tensor2d(av, transposeA ? [k, m] : [m, k]);
    const b = tf.tensor2d(bv, [k, n]);
    const out = outerProductMatMul(tf.backend() as unknown as WasmHeapBackend, info(a), info(b), transposeA)!;
    const t = tf.engine().makeTensorFromTensorInfo(out);
    expect(t.shape).toEqual([m, n]);
    expectClose(t.dataSync(), cpu!, 1e-4, 1e-4);
    tf.dispose([a, b, t]);
  });

  it("declines shapes it does not cover: columns not in fours, batches, mismatched inner sizes", async () => {
    await tf.setBackend("wasm");
    const backend = tf.backend() as unknown as WasmHeapBackend;
    tf.tidy(() => {
      const a = tf.zeros([4, 6]);
      expect(outerProductMatMul(backend, info(a), info(tf.zeros([6, 10])), false)).toBeUndefined();
      expect(outerProductMatMul(backend, info(tf.zeros([2, 4, 6])), info(tf.zeros([2, 6, 8])), false)).toBeUndefined();
      expect(outerProductMatMul(backend, info(a), info(tf.zeros([5, 8])), false)).toBeUndefined();
    });
  });
});
