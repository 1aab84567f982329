import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { defaultBackendDeps, NODE_PACKAGE } from "../../src/backend/initBackend.js";
import { formatBenchmarkReport, runBenchmark, type BenchmarkReport } from "../../src/bench/runBenchmark.js";

const TINY = { inputSize: 10, hiddenSize: 4, batchSize: 6, steps: 2, warmup: 1, rounds: 1 };
const noNode = {
  env: {},
  importModule: async (s: string) => {
    if (s === NODE_PACKAGE) throw new Error("Cannot find package '@tensorflow/tfjs-node'");
    return defaultBackendDeps.importModule(s);
  },
};

describe("runBenchmark", () => {
  it("runs the selected backend and prints a skip message when Python is absent", async () => {
    const lines: string[] = [];
    const r = await runBenchmark({ ...TINY, python: "/nonexistent/python3", logger: (l) => lines.push(l), deps: noNode });
    expect(r.config).toEqual({ ...TINY, seed: 0 });
    expect(r.sparsekit).toHaveLength(1);
    expect(r.sparsekit[0]).toMatchObject({ backendName: "wasm", backend: "wasm", inputSize: 10, hiddenSize: 4, batchSize: 6 });
    expect(r.sparsekit[0].info.backend).toBe("wasm");
    expect(r.pytorch.status).toBe("skipped");
    expect(r.ratios).toEqual([{ backend: "wasm", vsPytorchOneThread: null, vsPytorchDefault: null, cpuVsPytorchOneThread: null }]);
    const skip = lines.filter((l) => l.startsWith("PyTorch reference skipped: "));
    expect(skip).toHaveLength(1);
    expect(skip[0]).toContain("/nonexistent/python3 cannot import torch");
    expect(lines.some((l) => l.includes("sparsekit wasm"))).toBe(true);
  });

  it("with backends 'all' runs every available backend and lists the missing ones", async () => {
    const r = await runBenchmark({ ...TINY, backends: "all", reference: false, deps: noNode });
    expect(r.sparsekit.map((s) => s.backendName)).toEqual(["wasm", "cpu"]);
    expect(r.unavailable.map((u) => u.backend)).toContain("node"); // (and webgl, which Node lacks)
    expect(r.unavailable[0].reason).toContain("npm install @tensorflow/tfjs-node");
    expect(r.pytorch).toMatchObject({ status: "skipped", reason: expect.stringContaining("reference: false") });
  });

  it("restores the previously active backend after benchmarking a list", async () => {
    await tf.setBackend("wasm");
    await runBenchmark({ ...TINY, backends: ["cpu"], reference: false, deps: noNode });
    expect(tf.getBackend()).toBe("wasm");
  });

  it("rejects bad options", async () => {
    await expect(runBenchmark({ backends: ["gpu" as never] })).rejects.toThrow(/option 'backends\[0\]' must be one of/);
    await expect(runBenchmark({ backends: [] })).rejects.toThrow(/option 'backends' must be/);
    await expect(runBenchmark({ steps: 0 })).rejects.toThrow(/option 'steps' must be an integer >= 1/);
    await expect(runBenchmark({ python: "" })).rejects.toThrow(/option 'python'/);
    await expect(runBenchmark({ logger: 3 as never, stepz: 1 } as never)).rejects.toThrow(/unknown option 'stepz'/);
  });

  it("formats ratios against PyTorch when the reference ran", () => {
    const run = (ms: number, cpu: number) => ({
      label: "x", requestedThreads: "1", torchThreads: 1, roundsMs: [ms], msPerStep: ms, minMsPerStep: ms, cpuMsPerStep: cpu, firstLoss: 2, lastLoss: 1,
    });
    const report: BenchmarkReport = {
      config: { inputSize: 784, hiddenSize: 196, batchSize: 256, steps: 20, warmup: 5, rounds: 3, seed: 0 },
      sparsekit: [
        {
          backend: "wasm", backendName: "wasm", inputSize: 784, hiddenSize: 196, batchSize: 256, steps: 20, warmup: 5,
          roundsMs: [30], msPerStep: 30, minMsPerStep: 29, cpuMsPerStep: 31, firstLoss: 2, lastLoss: 1,
          info: { backend: "wasm", threads: 1, cores: 2, simd: true, wasmMatMulOverride: true, tfjsVersion: "4.22.0", runtime: "node 20", platform: "linux-x64" },
        },
      ],
      unavailable: [],
      pytorch: { status: "ok", python: "/usr/bin/python3", torchVersion: "2.1", blas: "openblas", oneThread: run(10, 10), defaultThreads: run(6, 12) },
      ratios: [{ backend: "wasm", vsPytorchOneThread: 3, vsPytorchDefault: 5, cpuVsPytorchOneThread: 3.1 }],
    };
    const text = formatBenchmarkReport(report).join("\n");
    expect(text).toMatch(/sparsekit wasm \(1 thread\)\s+30\.00 ms/);
    expect(text).toMatch(/3\.00x vs PyTorch 1 thread,\s+5\.00x vs default,\s+3\.10x on CPU time/);
    expect(text).toMatch(/PyTorch 2\.1 1 thread\s+10\.00 ms/);
    expect(text).not.toContain("skipped");
  });
});
