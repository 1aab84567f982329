import { execFile } from "node:child_process";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { packageRoot } from "../io/packageRoot.js";
import { median } from "./timeSteps.js";
import { measureWasmSimdPeak } from "./wasmSimdPeak.js";

/** What this machine's arithmetic reaches, the yardsticks of the suite's kernel rates (GFLOP/s). */
export interface MachinePeaks {
  /** Register-only f32x4 multiply + add loop in WebAssembly: the ceiling of any wasm kernel. */
  wasmSimd: number;
  /** tf.matMul of two n x n matrices on sparsekit's backend (XNNPACK on wasm). */
  backendGemm: number;
  /** The same product in PyTorch on one thread (null without the reference). */
  pytorchGemm: number | null;
  /** n of the n x n x n products. */
  gemmSize: number;
  backend: string;
}

/** Median ms of a product on the current tfjs backend (read back each call). */
function backendGemmMs(n: number, repeats: number): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  try {
    const ms: number[] = [];
    for (let i = 0; i < repeats + 2; i++) {
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
      if (i >= 2) ms.push(performance.now() - t0);
    }
    return median(ms);
  } finally {
    tf.dispose([a, b]);
  }
}

/** Median ms of the n x n x n product in PyTorch on one thread (bench/reference/kernel_rates.py). */
function pytorchGemmMs(python: string, n: number): Promise<number> {
  const script = path.join(packageRoot(), "bench", "reference", "kernel_rates.py");
  return new Promise((resolve, reject) => {
    execFile(python, [script, `matmul ${n}x${n} . ${n}x${n}`], { timeout: 120_000 }, (err, stdout) => {
      if (err) return reject(err);
      const ms = (JSON.parse(String(stdout).trim().split("\n").pop() ?? "{}") as { ms?: unknown }).ms;
      if (typeof ms !== "number" || !(ms > 0)) return reject(new Error(`kernel_rates.py printed no time: ${String(stdout).slice(0, 200)}`));
      resolve(ms);
    });
  });
}

/**
 * Measures the machine's peaks on the current tfjs backend: the wasm SIMD ceiling, the backend's
 * n x n GEMM, and PyTorch's one-thread GEMM when `python` is given (n = 1024 by default; tests use
 * small n and few iterations).
 */
export async function measureMachinePeaks(options: { python?: string | null; gemmSize?: number; simdIterations?: number; repeats?: number } = {}): Promise<MachinePeaks> {
  const n = options.gemmSize ?? 1024;
  const repeats = options.repeats ?? 7;
  const flop = 2 * n ** 3;
  const wasmSimd = measureWasmSimdPeak({ repeats, ...(options.simdIterations ? { iterations: options.simdIterations } : {}) });
  const backendGemm = flop / backendGemmMs(n, repeats) / 1e6;
  const pytorchGemm = options.python ? flop / (await pytorchGemmMs(options.python, n)) / 1e6 : null;
  return { wasmSimd, backendGemm, pytorchGemm, gemmSize: n, backend: tf.getBackend() };
}
