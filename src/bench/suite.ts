import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BackendRequest } from "../backend/node.js";
import { packageRoot } from "../io/packageRoot.js";
import { SparsekitError } from "../validation/index.js";
import { initBackend } from "../backend/node.js";
import { measureMachinePeaks, type MachinePeaks } from "./machinePeaks.js";
import { findPython, torchVersion } from "./pytorchReference.js";
import { stepBound, type StepBound } from "./stepBound.js";
import { runWorkloadHere, type RunWorkloadArgs, type SparsekitWorkloadRun } from "./runWorkload.js";
import type { StepSchedule, StepTimes } from "./timeSteps.js";
import { WORKLOADS, WORKLOAD_NAMES, getWorkload, type WorkloadSize } from "./workloads.js";

/** One PyTorch configuration of one workload (bench/reference/workloads.py). */
export interface PytorchWorkloadRun extends StepTimes {
  /** "1" or "default", as passed to --threads. */
  requestedThreads: string;
  /** torch.get_num_threads() during the run. */
  torchThreads: number;
  /** Threads of the OpenBLAS pool torch's products run on (null: not OpenBLAS); torch does not count them. */
  blasThreads: number | null;
  peakRssMb: number;
  torchVersion: string;
  blas: string;
}

export interface SuiteRow {
  workload: string;
  title: string;
  unit: "step" | "inference";
  size: WorkloadSize;
  sparsekit: SparsekitWorkloadRun | { error: string };
  pytorchOneThread: PytorchWorkloadRun | { error: string } | null;
  pytorchDefault: PytorchWorkloadRun | { error: string } | null;
  /** sparsekit median ms / PyTorch median ms (null when either side is missing). */
  ratioOneThread: number | null;
  ratioDefault: number | null;
  /** The same on CPU time per step against PyTorch on one thread. */
  cpuRatioOneThread: number | null;
  /** What the step would cost with its products at the wasm SIMD ceiling (null: no products or no peaks). */
  bound: StepBound | null;
}

export interface SuiteReport {
  date: string;
  machine: { cpus: number; model: string; loadAverage: number[] };
  schedule: StepSchedule;
  /** Tiny shapes (a smoke test). */
  tiny: boolean;
  backend: string;
  python: string;
  /** Why the PyTorch side did not run (null when it did). */
  pytorchSkipped: string | null;
  /** The machine's measured arithmetic peaks (null when disabled). */
  peaks: MachinePeaks | null;
  rows: SuiteRow[];
}

export interface SuiteOptions extends Partial<StepSchedule> {
  /** Workload names (default: all, in table order). */
  workloads?: string[];
  backend?: BackendRequest;
  /** Use each workload's tiny shapes (tests). */
  tiny?: boolean;
  /** Run the PyTorch references (default true). */
  reference?: boolean;
  python?: string;
  /**
   * Run sparsekit's side of each workload in its own Node process (default true; peak RSS per
   * workload). `false` runs in this process (tests; peak RSS is then the whole process's).
   */
  isolate?: boolean;
  /** Measure the machine's peaks (wasm SIMD ceiling, GEMMs) and each slow workload's bound (default true). */
  peaks?: boolean;
  /** Receives progress lines and the table. */
  logger?: (line: string) => void;
  /** Writes the report as JSON there. */
  jsonFile?: string;
}

const WHERE = "runBenchmarkSuite";
const DEFAULT_SCHEDULE: StepSchedule = { steps: 10, warmup: 3, rounds: 3 };

function exec(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const last = String(stdout).trim().split("\n").pop() ?? "";
        const tail = String(stderr).trim().split("\n").slice(-1)[0] ?? "";
        reject(new Error(last.startsWith("{") ? last : tail ? `${err.message.split("\n")[0]}: ${tail}` : err.message.split("\n")[0]));
      } else resolve(String(stdout));
    });
  });
}

function lastJsonLine(stdout: string, what: string): Record<string, unknown> {
  const line = stdout.trim().split("\n").filter((l) => l.trim() !== "").pop();
  if (line === undefined) throw new Error(`${what} printed nothing`);
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`${what} output is not JSON: ${line.slice(0, 200)}`);
  }
  if (typeof d.error === "string") throw new Error(d.error);
  return d;
}

function num(d: Record<string, unknown>, key: string): number {
  const v = d[key];
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`reference output: '${key}' is not a finite number`);
  return v;
}

/** Parses the JSON line bench/reference/workloads.py prints (the last non-empty stdout line). */
export function parseWorkloadReferenceOutput(stdout: string): PytorchWorkloadRun {
  const d = lastJsonLine(stdout, "reference script");
  const rounds = d.rounds_ms;
  if (!Array.isArray(rounds) || rounds.length === 0) throw new Error("reference output: 'rounds_ms' missing");
  return {
    requestedThreads: String(d.requested_threads),
    torchThreads: num(d, "torch_threads"),
    blasThreads: d.blas_threads === null || d.blas_threads === undefined ? null : num(d, "blas_threads"),
    roundsMs: rounds.map((r, i) => {
      if (typeof r !== "number" || !Number.isFinite(r)) throw new Error(`reference output: 'rounds_ms[${i}]' is not a finite number`);
      return r;
    }),
    msPerStep: num(d, "ms_per_step"),
    minMsPerStep: num(d, "min_ms_per_step"),
    cpuMsPerStep: num(d, "cpu_ms_per_step"),
    firstLoss: num(d, "first_loss"),
    lastLoss: num(d, "last_loss"),
    peakRssMb: num(d, "peak_rss_mb"),
    torchVersion: String(d.torch_version),
    blas: String(d.blas ?? "unknown"),
  };
}

/** Absolute path of bench/reference/workloads.py. */
export function workloadReferencePath(): string {
  return path.join(packageRoot(), "bench", "reference", "workloads.py");
}

/** Runs one workload of bench/reference/workloads.py in its own Python process. */
export async function runWorkloadReference(python: string, workload: string, size: WorkloadSize, threads: string, s: StepSchedule): Promise<PytorchWorkloadRun> {
  const args = [
    workloadReferencePath(), "--workload", workload, "--size", JSON.stringify(size), "--threads", threads,
    "--steps", String(s.steps), "--warmup", String(s.warmup), "--rounds", String(s.rounds),
  ];
  return parseWorkloadReferenceOutput(await exec(python, args, 30 * 60_000));
}

/** The child entry (compiled .js in the package, .ts under tsx). */
function childEntry(): string {
  const js = fileURLToPath(new URL("./workloadChild.js", import.meta.url));
  return existsSync(js) ? js : js.replace(/\.js$/, ".ts");
}

async function runSparsekit(args: RunWorkloadArgs, isolate: boolean): Promise<SparsekitWorkloadRun> {
  if (!isolate) return runWorkloadHere(args);
  // Same node and loader flags (tsx) as this process.
  const out = await exec(process.execPath, [...process.execArgv, childEntry(), JSON.stringify(args)], 30 * 60_000);
  return lastJsonLine(out, "workload child") as unknown as SparsekitWorkloadRun;
}

function isRun<T extends object>(r: T | { error: string } | null): r is T {
  return r !== null && !("error" in r);
}

function errorOf(e: unknown): { error: string } {
  return { error: e instanceof Error ? e.message : String(e) };
}

const threads = (n: number) => `${n} thread${n === 1 ? "" : "s"}`;

/**
 * "1 thread", or "torch 1 thread, OpenBLAS 2 threads" when the BLAS pool differs from torch's
 * count: Debian's torch reports 1 thread while OpenBLAS runs its products on every core.
 */
export function pytorchThreadsLabel(r: Pick<PytorchWorkloadRun, "torchThreads" | "blasThreads">): string {
  if (r.blasThreads === null || r.blasThreads === r.torchThreads) return threads(r.torchThreads);
  return `torch ${threads(r.torchThreads)}, OpenBLAS ${threads(r.blasThreads)}`;
}

const fmt = (v: number, d = 1) => v.toFixed(d);
const ratio = (r: number | null) => (r === null ? "n/a" : `${r.toFixed(2)}x`);

/** The table `sparsekit bench --all` prints (plain text, one row per workload and side). */
export function formatSuiteTable(report: SuiteReport): string[] {
  const header = ["workload", "side", "ms/step", "min", "CPU ms", "vs PyTorch 1 thr", "(on CPU ms)", "vs PyTorch default", "peak RSS MB"];
  const rows: string[][] = [];
  // Rows are labelled with the threads the run used (torch's and the BLAS pool's), not the ones asked for.
  const torchLabel = (r: PytorchWorkloadRun | { error: string } | null, what: "1" | "default") =>
    what === "1" ? (isRun(r) ? `PyTorch ${pytorchThreadsLabel(r)}` : "PyTorch 1 thread") : isRun(r) ? `PyTorch default (${pytorchThreadsLabel(r)})` : "PyTorch default";
  for (const row of report.rows) {
    const s = row.sparsekit;
    rows.push(
      isRun(s)
        ? [row.workload, `sparsekit ${s.backend} ${s.threads} thr`, fmt(s.msPerStep), fmt(s.minMsPerStep), fmt(s.cpuMsPerStep), ratio(row.ratioOneThread), ratio(row.cpuRatioOneThread), ratio(row.ratioDefault), fmt(s.peakRssMb, 0)]
        : [row.workload, "sparsekit", `error: ${s.error}`, "", "", "", "", "", ""],
    );
    for (const [r, what] of [[row.pytorchOneThread, "1"], [row.pytorchDefault, "default"]] as const) {
      if (r === null) continue;
      rows.push(
        isRun(r)
          ? ["", torchLabel(r, what), fmt(r.msPerStep), fmt(r.minMsPerStep), fmt(r.cpuMsPerStep), "", "", "", fmt(r.peakRssMb, 0)]
          : ["", torchLabel(r, what), `error: ${r.error}`, "", "", "", "", "", ""],
      );
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  const out = [
    `sparsekit benchmark suite, ${report.date}, ${report.machine.cpus} CPU(s) ${report.machine.model}, load ${report.machine.loadAverage.map((l) => l.toFixed(1)).join(" ")}`,
    ...(report.tiny ? ["TINY SHAPES (smoke test): not a measurement"] : []),
    `ms/step: median wall clock of ${report.schedule.rounds} round(s) x ${report.schedule.steps} steps after ${report.schedule.warmup} warm-up; min = fastest round; CPU = process CPU time per step`,
    "",
    line(header),
    ...rows.map(line),
  ];
  for (const row of report.rows) out.push(`  ${row.workload}: ${row.title}`);
  out.push(...formatBounds(report));
  if (report.pytorchSkipped) out.push(`PyTorch reference skipped: ${report.pytorchSkipped}`);
  else {
    const any = report.rows.map((r) => r.pytorchOneThread).find(isRun);
    if (any) out.push(`PyTorch ${any.torchVersion}: ${report.python}, BLAS ${any.blas}`);
  }
  return out;
}

const gflops = (v: number) => `${v.toFixed(1)} GFLOP/s`;

/**
 * The suite's answer to "which kernel holds each workload back": the machine's peaks, then per
 * workload its longest kernels (share of the step, rate) and the step's bound with every product
 * at the wasm SIMD ceiling. A floor above 2x means no wasm kernel can bring the workload within 2x.
 */
export function formatBounds(report: SuiteReport): string[] {
  const p = report.peaks;
  if (!p) return [];
  const out = [
    "",
    `Machine peaks: wasm SIMD128 GEMM inner loop (L1 operands) ${gflops(p.wasmSimd)} (the ceiling of any wasm kernel); ` +
      `${p.gemmSize}^3 matmul: ${p.backend} ${gflops(p.backendGemm)}` +
      (p.pytorchGemm === null ? "" : `, PyTorch 1 thread ${gflops(p.pytorchGemm)} (${(p.pytorchGemm / p.wasmSimd).toFixed(1)}x the wasm ceiling)`),
  ];
  for (const row of report.rows) {
    const b = row.bound;
    if (!b) continue;
    const top = b.top.map((k) => `${k.kernel} ${(100 * k.share).toFixed(0)}%${k.gflops === null ? "" : ` at ${k.gflops.toFixed(1)}`}`).join(", ");
    const vs = (r: number | null) => (r === null ? "" : ` = ${r.toFixed(2)}x PyTorch`);
    out.push(
      `  ${row.workload}: ${top} (kernel time; GFLOP/s). Products ${(100 * b.productShare).toFixed(0)}% of the step at ${gflops(b.productGflops)}; ` +
        `at the wasm ceiling the step would take ${b.boundMs.toFixed(1)} ms${vs(b.boundRatio)}, the products alone ${b.floorMs.toFixed(1)} ms${vs(b.floorRatio)}`,
    );
  }
  return out;
}

function positiveInt(v: unknown, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new SparsekitError(`${WHERE}: option '${name}' must be an integer >= ${min}, got ${String(v)}.`);
  }
  return v;
}

/**
 * The benchmark suite of issue 12: for each workload (src/bench/workloads.ts), sparsekit's side,
 * then PyTorch with one thread, then PyTorch with its default threads, one after the other so
 * the three share the machine's state; ratios are taken within the row. Returns the report,
 * logs the table and optionally writes it as JSON.
 */
export async function runBenchmarkSuite(options: SuiteOptions = {}): Promise<SuiteReport> {
  const names = options.workloads ?? [...WORKLOAD_NAMES];
  if (!Array.isArray(names) || names.length === 0) throw new SparsekitError(`${WHERE}: option 'workloads' must be a non-empty list of: ${WORKLOAD_NAMES.join(", ")}.`);
  for (const n of names) {
    if (!WORKLOAD_NAMES.includes(n)) throw new SparsekitError(`${WHERE}: unknown workload '${n}'; known: ${WORKLOAD_NAMES.join(", ")}.`);
  }
  const schedule: StepSchedule = {
    steps: positiveInt(options.steps, "steps", 1) ?? DEFAULT_SCHEDULE.steps,
    warmup: positiveInt(options.warmup, "warmup", 0) ?? DEFAULT_SCHEDULE.warmup,
    rounds: positiveInt(options.rounds, "rounds", 1) ?? DEFAULT_SCHEDULE.rounds,
  };
  const log = options.logger ?? (() => undefined);
  const python = options.python ?? findPython();
  let pytorchSkipped: string | null = null;
  if (options.reference === false) pytorchSkipped = "disabled by the 'reference: false' option";
  else {
    try {
      await torchVersion(python);
      if (!existsSync(workloadReferencePath())) pytorchSkipped = `reference script not found at ${workloadReferencePath()}`;
    } catch (e) {
      pytorchSkipped = `${python} cannot import torch (${(e as Error).message})`;
    }
  }

  let peaks: MachinePeaks | null = null;
  if (options.peaks !== false) {
    log("machine peaks (wasm SIMD ceiling, GEMMs) ...");
    await initBackend(options.backend === undefined ? {} : { backend: options.backend });
    const small = options.tiny ? { gemmSize: 64, simdIterations: 20_000, repeats: 3 } : {};
    peaks = await measureMachinePeaks({ python: pytorchSkipped === null ? python : null, ...small }).catch(() =>
      measureMachinePeaks({ python: null, ...small }),
    );
  }
  const rows: SuiteRow[] = [];
  let backend = "";
  for (const name of names) {
    const w = getWorkload(name);
    const size = options.tiny ? w.tiny : w.size;
    log(`${name}: sparsekit ...`);
    let sparsekit: SuiteRow["sparsekit"];
    try {
      sparsekit = await runSparsekit({ workload: name, size, ...schedule, ...(options.backend ? { backend: options.backend } : {}) }, options.isolate ?? true);
      backend = sparsekit.backend;
    } catch (e) {
      sparsekit = errorOf(e);
    }
    let one: SuiteRow["pytorchOneThread"] = null;
    let dflt: SuiteRow["pytorchDefault"] = null;
    if (pytorchSkipped === null) {
      log(`${name}: PyTorch 1 thread, then default threads ...`);
      one = await runWorkloadReference(python, name, size, "1", schedule).catch(errorOf);
      dflt = await runWorkloadReference(python, name, size, "default", schedule).catch(errorOf);
    }
    const both = <T extends object>(r: T | { error: string } | null, f: (s: SparsekitWorkloadRun, p: T) => number) =>
      isRun(sparsekit) && isRun(r) ? f(sparsekit, r) : null;
    rows.push({
      workload: name,
      title: w.title,
      unit: w.unit,
      size,
      sparsekit,
      pytorchOneThread: one,
      pytorchDefault: dflt,
      ratioOneThread: both(one, (s, p) => s.msPerStep / p.msPerStep),
      ratioDefault: both(dflt, (s, p) => s.msPerStep / p.msPerStep),
      cpuRatioOneThread: both(one, (s, p) => s.cpuMsPerStep / p.cpuMsPerStep),
      bound:
        peaks && isRun(sparsekit) && sparsekit.backend === "wasm" && sparsekit.profile
          ? stepBound(sparsekit.msPerStep, sparsekit.profile, peaks.wasmSimd, isRun(one) ? one.msPerStep : null)
          : null,
    });
  }
  const report: SuiteReport = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model?.trim() ?? "unknown", loadAverage: os.loadavg() },
    schedule,
    tiny: options.tiny ?? false,
    backend,
    python,
    pytorchSkipped,
    peaks,
    rows,
  };
  for (const l of formatSuiteTable(report)) log(l);
  if (options.jsonFile) writeFileSync(options.jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

export { WORKLOADS };
