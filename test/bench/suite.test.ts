import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findPython, torchVersion } from "../../src/bench/pytorchReference.js";
import {
  formatBounds,
  formatSuiteTable,
  parseWorkloadReferenceOutput,
  pytorchThreadsLabel,
  runBenchmarkSuite,
  runWorkloadReference,
  type PytorchWorkloadRun,
  type SuiteReport,
} from "../../src/bench/suite.js";
import { WORKLOADS, WORKLOAD_NAMES } from "../../src/bench/workloads.js";
import { runCliForTest } from "../cli/runCliForTest.js";

const LINE = {
  workload: "cnn",
  label: "1 thread",
  requested_threads: "1",
  torch_threads: 1,
  blas_threads: 1,
  blas: "generic (/usr/lib/libopenblas.so.0)",
  torch_version: "1.13.0",
  peak_rss_mb: 312.5,
  rounds_ms: [40.5, 38.25],
  ms_per_step: 39.375,
  min_ms_per_step: 38.25,
  cpu_ms_per_step: 39,
  first_loss: 2.3,
  last_loss: 2.1,
};

const times = (ms: number, cpu: number) => ({ roundsMs: [ms], msPerStep: ms, minMsPerStep: ms - 1, cpuMsPerStep: cpu, firstLoss: 2, lastLoss: 1 });
const torchRun = (ms: number, threads: number, requested: string): PytorchWorkloadRun => ({
  ...times(ms, ms), requestedThreads: requested, torchThreads: threads, blasThreads: threads, peakRssMb: 300, torchVersion: "1.13.0", blas: "openblas",
});

describe("benchmark suite", () => {
  it("has the six workloads of issue 12 (eight rows: LCA and FISTA, CNN and masked classifier apart)", () => {
    expect(WORKLOAD_NAMES).toEqual(["sae", "cnn", "masked", "conv-satae", "entropy", "lca", "fista", "ovr"]);
  });

  it("parses the reference script's JSON line and rejects malformed output", () => {
    expect(parseWorkloadReferenceOutput(`warning: something\n${JSON.stringify(LINE)}\n`)).toEqual({
      requestedThreads: "1", torchThreads: 1, blasThreads: 1, roundsMs: [40.5, 38.25], msPerStep: 39.375, minMsPerStep: 38.25, cpuMsPerStep: 39,
      firstLoss: 2.3, lastLoss: 2.1, peakRssMb: 312.5, torchVersion: "1.13.0", blas: "generic (/usr/lib/libopenblas.so.0)",
    });
    expect(parseWorkloadReferenceOutput(JSON.stringify({ ...LINE, blas_threads: null })).blasThreads).toBeNull();
    expect(() => parseWorkloadReferenceOutput(JSON.stringify({ ...LINE, blas_threads: "two" }))).toThrow(/'blas_threads'/);
    expect(() => parseWorkloadReferenceOutput("")).toThrow(/printed nothing/);
    expect(() => parseWorkloadReferenceOutput("Traceback (most recent call last)")).toThrow(/not JSON/);
    expect(() => parseWorkloadReferenceOutput(JSON.stringify({ error: "cannot import torch" }))).toThrow(/cannot import torch/);
    expect(() => parseWorkloadReferenceOutput(JSON.stringify({ ...LINE, peak_rss_mb: null }))).toThrow(/'peak_rss_mb'/);
    expect(() => parseWorkloadReferenceOutput(JSON.stringify({ ...LINE, rounds_ms: [] }))).toThrow(/'rounds_ms'/);
  });

  it("formats one table: ratios, the threads PyTorch reported, errors", () => {
    const report: SuiteReport = {
      date: "2026-01-01T00:00:00.000Z",
      machine: { cpus: 2, model: "AMD EPYC", loadAverage: [1, 2, 3] },
      schedule: { steps: 10, warmup: 3, rounds: 3 },
      tiny: false,
      backend: "wasm",
      python: "/usr/bin/python3",
      pytorchSkipped: null,
      peaks: null,
      rows: [
        {
          workload: "cnn", title: "MNIST CNN", unit: "step", size: {},
          sparsekit: { ...times(60, 58), backend: "wasm", threads: 1, peakRssMb: 420, leakedTensors: 0, profile: { kernelMs: 50, wallMs: 55, kernels: [] } },
          pytorchOneThread: torchRun(40, 1, "1"), pytorchDefault: { ...torchRun(30, 1, "default"), blasThreads: 2 },
          ratioOneThread: 1.5, ratioDefault: 2, cpuRatioOneThread: 1.45, bound: null,
        },
        {
          workload: "lca", title: "LCA", unit: "inference", size: {},
          sparsekit: { error: "boom" }, pytorchOneThread: torchRun(10, 1, "1"), pytorchDefault: { error: "killed" },
          ratioOneThread: null, ratioDefault: null, cpuRatioOneThread: null, bound: null,
        },
      ],
    };
    const text = formatSuiteTable(report).join("\n");
    expect(text).toMatch(/cnn\s+sparsekit wasm 1 thr\s+60\.0\s+59\.0\s+58\.0\s+1\.50x\s+1\.45x\s+2\.00x\s+420/);
    expect(text).toMatch(/PyTorch 1 thread\s+40\.0\s+39\.0\s+40\.0\s+300/);
    expect(text).toMatch(/PyTorch default \(torch 1 thread, OpenBLAS 2 threads\)\s+30\.0/);
    expect(text).toMatch(/lca\s+sparsekit\s+error: boom/);
    expect(text).toMatch(/PyTorch default\s+error: killed/);
    expect(text).toContain("PyTorch 1.13.0: /usr/bin/python3, BLAS openblas");
    expect(text).not.toContain("TINY");
    expect(formatSuiteTable({ ...report, tiny: true, pytorchSkipped: "no torch" }).join("\n")).toMatch(/TINY SHAPES[\s\S]*PyTorch reference skipped: no torch/);
  });


  it("labels PyTorch rows with the BLAS pool's threads when torch does not count them", () => {
    expect(pytorchThreadsLabel({ torchThreads: 1, blasThreads: 1 })).toBe("1 thread");
    expect(pytorchThreadsLabel({ torchThreads: 2, blasThreads: null })).toBe("2 threads");
    expect(pytorchThreadsLabel({ torchThreads: 1, blasThreads: 2 })).toBe("torch 1 thread, OpenBLAS 2 threads");
  });

  it("prints the machine's peaks and each slow workload's kernels and bound", () => {
    const kernels = [
      { kernel: "BatchMatMul", calls: 4, ms: 30, share: 0.6, gflop: 0.6, gflops: 20 },
      { kernel: "Add", calls: 9, ms: 20, share: 0.4, gflop: null, gflops: null },
    ];
    const report = {
      peaks: { wasmSimd: 40, backendGemm: 25, pytorchGemm: 160, gemmSize: 1024, backend: "wasm" },
      rows: [{ workload: "entropy", bound: { productShare: 0.6, productGflop: 0.6, productGflops: 20, boundMs: 35, floorMs: 15, boundRatio: 3.5, floorRatio: 1.5, top: kernels } }],
    } as unknown as SuiteReport;
    const text = formatBounds(report).join("\n");
    expect(text).toContain("wasm SIMD128 GEMM inner loop (L1 operands) 40.0 GFLOP/s");
    expect(text).toContain("PyTorch 1 thread 160.0 GFLOP/s (4.0x the wasm ceiling)");
    expect(text).toMatch(/entropy: BatchMatMul 60% at 20\.0, Add 40% .*the step would take 35\.0 ms = 3\.50x PyTorch, the products alone 15\.0 ms = 1\.50x PyTorch/);
    expect(formatBounds({ ...report, peaks: null })).toEqual([]);
  });

  it("runs every workload at tiny shapes in process, leaving no tensors behind", async () => {
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const r = await runBenchmarkSuite({ tiny: true, steps: 2, warmup: 1, rounds: 1, reference: false, isolate: false, backend: "wasm", logger: (l) => lines.push(l) });
    expect(r.rows.map((row) => row.workload)).toEqual(WORKLOAD_NAMES);
    for (const row of r.rows) {
      if ("error" in row.sparsekit) expect.fail(`${row.workload}: ${row.sparsekit.error}`);
      expect(row.sparsekit.backend).toBe("wasm");
      expect(Number.isFinite(row.sparsekit.lastLoss), row.workload).toBe(true);
      expect(row.sparsekit.leakedTensors, row.workload).toBe(0);
      expect(row.pytorchOneThread).toBeNull();
      expect(row.ratioOneThread).toBeNull();
      expect(row.sparsekit.profile.kernels.length, row.workload).toBeGreaterThan(0);
      expect(row.bound, row.workload).not.toBeNull();
    }
    expect(r.peaks?.wasmSimd).toBeGreaterThan(0);
    expect(r.peaks?.pytorchGemm).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    expect(lines.join("\n")).toMatch(/PyTorch reference skipped: disabled/);
  });

  it("rejects unknown workloads and bad schedules", async () => {
    await expect(runBenchmarkSuite({ workloads: ["gan"] })).rejects.toThrow(/unknown workload 'gan'/);
    await expect(runBenchmarkSuite({ steps: 0 })).rejects.toThrow(/option 'steps' must be an integer >= 1/);
  });

  it("sparsekit bench --workloads ... --json <file> writes the report", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "sk-bench-")), "suite.json");
    const r = await runCliForTest([
      "--backend", "wasm", "bench", "--workloads", "sae,ovr", "--tiny", "--in-process", "--no-reference", "--steps", "1", "--rounds", "1", "--warmup", "0", "--json", file,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/sae\s+sparsekit wasm/);
    expect(r.out).toMatch(/Machine peaks: wasm SIMD128/);
    expect(r.out).toMatch(/ovr: .*Products \d+% of the step/);
    const report = JSON.parse(readFileSync(file, "utf8")) as SuiteReport;
    expect(report.rows.map((row) => row.workload)).toEqual(["sae", "ovr"]);
    expect(report.tiny).toBe(true);
    const noPeaks = await runCliForTest(["--backend", "wasm", "bench", "--workloads", "ovr", "--tiny", "--in-process", "--no-reference", "--no-peaks", "--steps", "1", "--rounds", "1", "--warmup", "0"]);
    expect(noPeaks.code).toBe(0);
    expect(noPeaks.out).not.toMatch(/Machine peaks/);
    const bad = await runCliForTest(["bench", "--workloads", "sae,gan"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown workload 'gan'/);
  });
});

// The PyTorch side of every workload, tiny shapes, parsed (skipped without torch).
const python = findPython();
const hasTorch = await torchVersion(python).then(
  () => true,
  () => false,
);
if (!hasTorch) console.warn(`PyTorch reference-script tests skipped: ${python} cannot import torch (install Debian's python3-torch package to run them).`);
describe.skipIf(!hasTorch)("PyTorch reference scripts (bench/reference/workloads.py)", () => {
  it("runs every workload at tiny shapes and prints a parsable line", { timeout: 120_000 }, async () => {
    const runs = await Promise.all(WORKLOADS.map((w) => runWorkloadReference(python, w.name, w.tiny, "1", { steps: 1, warmup: 1, rounds: 1 })));
    runs.forEach((r, i) => {
      expect(r.torchThreads, WORKLOADS[i].name).toBe(1);
      expect(Number.isFinite(r.lastLoss), WORKLOADS[i].name).toBe(true);
      expect(r.peakRssMb).toBeGreaterThan(0);
    });
  });
});
