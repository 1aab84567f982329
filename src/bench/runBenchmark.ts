import * as tf from "@tensorflow/tfjs";
import {
  BACKEND_NAMES,
  backendInfo,
  defaultBackendDeps,
  initBackend,
  type BackendDeps,
  type BackendInfo,
  type BackendName,
  type BackendRequest,
} from "../backend/node.js";
import { SparsekitError } from "../validation/index.js";
import { assertBooleanOption, assertEnumOption, assertKnownOptions } from "../validation/optionChecks.js";
import { runPytorchReference, type PytorchReference, type ReferenceConfig } from "./pytorchReference.js";
import { timeSaeStep, type SaeStepResult } from "./saeStep.js";

export interface RunBenchmarkOptions {
  /**
   * "selected" (default): the backend initBackend picks (honours `backend`, then
   * SPARSEKIT_BACKEND, then auto). "all": every backend that can start (node, wasm, cpu).
   * Or an explicit list, e.g. ["wasm", "cpu"].
   */
  backends?: "selected" | "all" | BackendName[];
  /** Backend request used when `backends` is "selected". */
  backend?: BackendRequest;
  inputSize?: number; // 784
  hiddenSize?: number; // 196
  batchSize?: number; // 256
  steps?: number; // 20 timed steps per round
  warmup?: number; // 5
  rounds?: number; // 3
  seed?: number; // 0
  /** Run the PyTorch reference (default true). */
  reference?: boolean;
  /** Python command for the reference; default: SPARSEKIT_PYTHON, /usr/bin/python3, python3. */
  python?: string;
  /** Receives the report lines; nothing is printed otherwise. */
  logger?: (line: string) => void;
  /** Injectable module importer / environment (tests). */
  deps?: BackendDeps;
}

export interface SparsekitRun extends SaeStepResult {
  backendName: BackendName;
  info: BackendInfo;
}

export interface BenchmarkRatio {
  backend: BackendName;
  /** sparsekit ms/step divided by PyTorch's (wall-clock medians); null when the reference was skipped. */
  vsPytorchOneThread: number | null;
  vsPytorchDefault: number | null;
  /** The same ratio on CPU time per step against PyTorch on one thread (robust to load). */
  cpuVsPytorchOneThread: number | null;
}

export interface BenchmarkReport {
  config: ReferenceConfig;
  sparsekit: SparsekitRun[];
  /** Backends asked for that could not start, with the reason. */
  unavailable: { backend: BackendName; reason: string }[];
  pytorch: PytorchReference;
  ratios: BenchmarkRatio[];
}

const WHERE = "runBenchmark";

function fmtMs(median: number, min: number, cpu: number): string {
  return `${median.toFixed(2).padStart(8)} ms (min ${min.toFixed(2).padStart(7)}, cpu ${cpu.toFixed(2).padStart(7)})`;
}

function fmtRatio(r: number | null | undefined): string {
  return r === null || r === undefined ? "   n/a" : `${r.toFixed(2).padStart(6)}x`;
}

/** Renders the report as the lines `sparsekit bench` prints. */
export function formatBenchmarkReport(report: BenchmarkReport): string[] {
  const c = report.config;
  const p = report.pytorch;
  const lines = [
    `SAE training step ${c.inputSize}-${c.hiddenSize}-${c.inputSize} (sigmoid, KL sparsity, weight decay, Adam), batch ${c.batchSize}`,
    `ms/step: median wall-clock of ${c.rounds} round(s) x ${c.steps} steps after ${c.warmup} warm-up steps;`,
    "min = fastest round; cpu = process CPU time per step (less sensitive to other load)",
    "",
  ];
  const label = (s: string) => `  ${s}`.padEnd(34);
  for (const run of report.sparsekit) {
    const ratio = report.ratios.find((r) => r.backend === run.backendName);
    const threads = `${run.info.threads} thread${run.info.threads === 1 ? "" : "s"}`;
    lines.push(label(`sparsekit ${run.backendName} (${threads})`) + fmtMs(run.msPerStep, run.minMsPerStep, run.cpuMsPerStep));
    if (p.status === "ok") {
      lines.push(
        label("") +
          `ratio: ${fmtRatio(ratio?.vsPytorchOneThread)} vs PyTorch 1 thread, ${fmtRatio(ratio?.vsPytorchDefault)} vs default, ` +
          `${fmtRatio(ratio?.cpuVsPytorchOneThread)} on CPU time`,
      );
    }
  }
  for (const u of report.unavailable) lines.push(label(`sparsekit ${u.backend}`) + `not available: ${u.reason}`);
  if (p.status === "ok") {
    const d = p.defaultThreads;
    lines.push(label(`PyTorch ${p.torchVersion} 1 thread`) + fmtMs(p.oneThread.msPerStep, p.oneThread.minMsPerStep, p.oneThread.cpuMsPerStep));
    lines.push(label(`PyTorch default (${d.torchThreads} thread${d.torchThreads === 1 ? "" : "s"})`) + fmtMs(d.msPerStep, d.minMsPerStep, d.cpuMsPerStep));
    lines.push(`  PyTorch: ${p.python}, BLAS ${p.blas}`);
  } else {
    lines.push(`PyTorch reference skipped: ${p.reason}`);
  }
  return lines;
}

function positiveInt(v: unknown, name: string, min = 1): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new SparsekitError(`${WHERE}: option '${name}' must be an integer >= ${min}, got ${String(v)}.`);
  }
  return v;
}

/**
 * Benchmarks sparsekit's SAE training step (src/bench/saeStep.ts) on the selected backend (or
 * all available ones) against the identical PyTorch CPU step (bench/reference/sae_step.py, one
 * thread and default threads), measured in the same run, one after the other. Returns the
 * numbers; prints only through `options.logger`. Leaves the last benchmarked backend active
 * unless it restores the one active before (it does when `backends` is not "selected").
 */
export async function runBenchmark(options: RunBenchmarkOptions = {}): Promise<BenchmarkReport> {
  assertKnownOptions(options, WHERE, [
    "backends", "backend", "inputSize", "hiddenSize", "batchSize", "steps", "warmup", "rounds", "seed",
    "reference", "python", "logger", "deps",
  ]);
  const log = options.logger ?? (() => undefined);
  const config: ReferenceConfig = {
    inputSize: positiveInt(options.inputSize, "inputSize") ?? 784,
    hiddenSize: positiveInt(options.hiddenSize, "hiddenSize") ?? 196,
    batchSize: positiveInt(options.batchSize, "batchSize") ?? 256,
    steps: positiveInt(options.steps, "steps") ?? 20,
    warmup: positiveInt(options.warmup, "warmup", 0) ?? 5,
    rounds: positiveInt(options.rounds, "rounds") ?? 3,
    seed: positiveInt(options.seed, "seed", 0) ?? 0,
  };
  if (options.reference !== undefined) assertBooleanOption(options.reference, WHERE, "reference");
  if (options.python !== undefined && (typeof options.python !== "string" || options.python.trim() === "")) {
    throw new SparsekitError(`${WHERE}: option 'python' must be a non-empty command string, got ${String(options.python)}.`);
  }
  const deps = options.deps ?? defaultBackendDeps;
  const which = options.backends ?? "selected";
  let targets: (BackendName | "selected")[];
  if (which === "selected") targets = ["selected"];
  else if (which === "all") targets = [...BACKEND_NAMES];
  else if (Array.isArray(which) && which.length > 0) {
    which.forEach((b, i) => assertEnumOption(b, WHERE, `backends[${i}]`, BACKEND_NAMES));
    targets = [...new Set(which)];
  } else {
    throw new SparsekitError(`${WHERE}: option 'backends' must be "selected", "all" or a non-empty list of backend names, got ${JSON.stringify(which)}.`);
  }

  const previous = tf.getBackend();
  const sparsekit: SparsekitRun[] = [];
  const unavailable: BenchmarkReport["unavailable"] = [];
  for (const target of targets) {
    let name: BackendName;
    if (target === "selected") {
      name = (await initBackend(options.backend === undefined ? {} : { backend: options.backend }, deps)).backend;
    } else {
      try {
        name = (await initBackend({ backend: target }, deps)).backend;
      } catch (e) {
        unavailable.push({ backend: target, reason: (e as Error).message });
        continue;
      }
    }
    const info = await backendInfo();
    log(`running sparsekit on ${name} ...`);
    const result = await timeSaeStep({ ...config });
    sparsekit.push({ ...result, backendName: name, info });
  }
  if (which !== "selected" && previous && tf.getBackend() !== previous) await tf.setBackend(previous);

  let pytorch: PytorchReference;
  if (options.reference === false) {
    pytorch = { status: "skipped", python: options.python ?? "", reason: "disabled by the 'reference: false' option" };
  } else {
    log("running the PyTorch reference (1 thread, then default threads) ...");
    pytorch = await runPytorchReference(config, { python: options.python, env: deps.env });
  }
  const ratios: BenchmarkRatio[] = sparsekit.map((r) => ({
    backend: r.backendName,
    vsPytorchOneThread: pytorch.status === "ok" ? r.msPerStep / pytorch.oneThread.msPerStep : null,
    vsPytorchDefault: pytorch.status === "ok" ? r.msPerStep / pytorch.defaultThreads.msPerStep : null,
    cpuVsPytorchOneThread: pytorch.status === "ok" ? r.cpuMsPerStep / pytorch.oneThread.cpuMsPerStep : null,
  }));
  const report: BenchmarkReport = { config, sparsekit, unavailable, pytorch, ratios };
  for (const line of formatBenchmarkReport(report)) log(line);
  return report;
}
