import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import path from "node:path";
import { findPython, parseReferenceOutput, referenceScriptPath, runPytorchReference } from "../../src/bench/pytorchReference.js";
import { packageRoot } from "../../src/io/packageRoot.js";

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
  it("ships the reference script inside the package", () => {
    expect(referenceScriptPath()).toBe(path.join(packageRoot(), "bench", "reference", "sae_step.py"));
    expect(existsSync(referenceScriptPath())).toBe(true);
  });

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

  it("the shipped script runs at a tiny size (one Python launch), or says torch is missing", async () => {
    const { execFile } = await import("node:child_process");
    const { referenceScriptPath } = await import("../../src/bench/pytorchReference.js");
    const args = [referenceScriptPath(), "--threads", "1", "--input-size", "6", "--hidden-size", "3", "--batch-size", "4"];
    const { stdout, code } = await new Promise<{ stdout: string; code: unknown }>((resolve) => {
      execFile(findPython(), [...args, "--steps", "2", "--warmup", "1", "--rounds", "1"], (err, out) =>
        resolve({ stdout: String(out), code: (err as NodeJS.ErrnoException | null)?.code }),
      );
    });
    if (code === "ENOENT") return; // no Python at all: nothing to run (runner behaviour tested above)
    let run: ReturnType<typeof parseReferenceOutput>;
    try {
      run = parseReferenceOutput(stdout);
    } catch (e) {
      expect((e as Error).message).toMatch(/cannot import torch/);
      return;
    }
    expect(run).toMatchObject({ label: "1 thread", requestedThreads: "1", torchThreads: 1 });
    expect(run.roundsMs).toHaveLength(1);
    expect(run.msPerStep).toBeGreaterThan(0);
    expect(run.cpuMsPerStep).toBeGreaterThan(0);
    expect(run.lastLoss).toBeLessThan(run.firstLoss);
  }, 120_000);
});
