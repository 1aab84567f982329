import { describe, expect, it } from "vitest";
import { findPython, parseReferenceOutput, runPytorchReference, torchVersion } from "../../src/bench/pytorchReference.js";

const LINE = JSON.stringify({
  label: "1 thread",
  requested_threads: "1",
  torch_threads: 1,
  blas: "generic (/usr/lib/libopenblas.so.0)",
  torch_version: "2.1.0",
  rounds_ms: [6.5, 6.1],
  ms_per_step: 6.3,
  min_ms_per_step: 6.1,
  cpu_ms_per_step: 6.2,
  first_loss: 300.5,
  last_loss: 40.25,
});

describe("PyTorch reference runner", () => {
  it("parses the script's JSON line (the last non-empty stdout line)", () => {
    const r = parseReferenceOutput(`some warning\n${LINE}\n\n`);
    expect(r).toEqual({
      label: "1 thread",
      requestedThreads: "1",
      torchThreads: 1,
      roundsMs: [6.5, 6.1],
      msPerStep: 6.3,
      minMsPerStep: 6.1,
      cpuMsPerStep: 6.2,
      firstLoss: 300.5,
      lastLoss: 40.25,
      torchVersion: "2.1.0",
      blas: "generic (/usr/lib/libopenblas.so.0)",
    });
  });

  it("rejects malformed output with a clear reason", () => {
    expect(() => parseReferenceOutput("")).toThrow(/printed nothing/);
    expect(() => parseReferenceOutput("Traceback (most recent call last)")).toThrow(/not JSON/);
    expect(() => parseReferenceOutput(JSON.stringify({ error: "cannot import torch: No module named 'torch'" }))).toThrow(
      /cannot import torch/,
    );
    expect(() => parseReferenceOutput(JSON.stringify({ ...JSON.parse(LINE), ms_per_step: "fast" }))).toThrow(/'ms_per_step'/);
  });

  it("finds Python: SPARSEKIT_PYTHON first, then Debian's /usr/bin/python3, then python3", async () => {
    expect(findPython({ SPARSEKIT_PYTHON: " /opt/py/bin/python " })).toBe("/opt/py/bin/python");
    const { existsSync } = await import("node:fs");
    expect(findPython({})).toBe(existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
  });

  it("skips with a reason when the Python command does not exist", async () => {
    const r = await runPytorchReference(
      { inputSize: 4, hiddenSize: 2, batchSize: 2, steps: 1, warmup: 0, rounds: 1, seed: 0 },
      { python: "/nonexistent/python3" },
    );
    expect(r).toMatchObject({ status: "skipped", python: "/nonexistent/python3" });
    expect(r.status === "skipped" && r.reason).toMatch(/^\/nonexistent\/python3 cannot import torch \(.*ENOENT/);
  });

  it("runs the real script at a tiny size when torch is importable, else reports why not", async () => {
    const python = findPython();
    const config = { inputSize: 6, hiddenSize: 3, batchSize: 4, steps: 2, warmup: 1, rounds: 1, seed: 0 };
    const hasTorch = await torchVersion(python).then(
      () => true,
      () => false,
    );
    const r = await runPytorchReference(config, { python });
    if (!hasTorch) {
      expect(r.status).toBe("skipped");
      return;
    }
    if (r.status !== "ok") expect.fail(r.reason);
    for (const run of [r.oneThread, r.defaultThreads]) {
      expect(run.roundsMs).toHaveLength(1);
      expect(run.msPerStep).toBeGreaterThan(0);
      expect(run.lastLoss).toBeLessThan(run.firstLoss);
    }
    expect(r.oneThread.torchThreads).toBe(1);
    expect(r.oneThread.requestedThreads).toBe("1");
    expect(r.defaultThreads.requestedThreads).toBe("default");
  }, 120_000);
});
