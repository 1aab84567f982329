import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { measureMachinePeaks } from "../../src/bench/machinePeaks.js";
import { findPython, torchVersion } from "../../src/bench/pytorchReference.js";

const python = findPython();
const hasTorch = await torchVersion(python).then(
  () => true,
  () => false,
);
if (!hasTorch) console.warn(`machine-peaks PyTorch GEMM test skipped: ${python} cannot import torch (install Debian's python3-torch package to run them).`);

describe("measureMachinePeaks", () => {
  it("measures the wasm ceiling and the backend's GEMM, leaving no tensors", async () => {
    const before = tf.memory().numTensors;
    const p = await measureMachinePeaks({ python: null, gemmSize: 32, simdIterations: 10_000, repeats: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(p.wasmSimd).toBeGreaterThan(0);
    expect(p.backendGemm).toBeGreaterThan(0);
    expect(p.pytorchGemm).toBeNull();
    expect(p).toMatchObject({ gemmSize: 32, backend: tf.getBackend() });
  });

  it.skipIf(!hasTorch)("times PyTorch's one-thread GEMM through bench/reference/kernel_rates.py", async () => {
    const p = await measureMachinePeaks({ python, gemmSize: 64, simdIterations: 10_000, repeats: 3 });
    expect(p.pytorchGemm).toBeGreaterThan(0);
  });

  it("names a Python that cannot run the script", async () => {
    await expect(measureMachinePeaks({ python: "/nonexistent/python", gemmSize: 16, simdIterations: 1000, repeats: 1 })).rejects.toThrow();
  });
});
