import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../io/packageRoot.js";

/** One timed configuration of bench/reference/sae_step.py. */
export interface PytorchRun {
  label: string;
  /** "1" or "default", as passed to --threads. */
  requestedThreads: string;
  /** torch.get_num_threads() during the run. */
  torchThreads: number;
  roundsMs: number[];
  msPerStep: number;
  minMsPerStep: number;
  /** Median process CPU time per step. */
  cpuMsPerStep: number;
  firstLoss: number;
  lastLoss: number;
}

export type PytorchReference =
  | {
      status: "ok";
      python: string;
      torchVersion: string;
      /** BLAS torch used (Debian's torch: whatever libblas.so.3 points to). */
      blas: string;
      oneThread: PytorchRun;
      defaultThreads: PytorchRun;
    }
  | { status: "skipped"; python: string; reason: string };

/** Size and schedule forwarded to the script (same meaning as SaeStepOptions). */
export interface ReferenceConfig {
  inputSize: number;
  hiddenSize: number;
  batchSize: number;
  steps: number;
  warmup: number;
  rounds: number;
  seed: number;
}

/**
 * The Python to run the reference with: `SPARSEKIT_PYTHON` if set, else Debian's
 * /usr/bin/python3 when present (where apt's python3-torch lives), else `python3` on PATH.
 */
export function findPython(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env.SPARSEKIT_PYTHON?.trim();
  if (fromEnv) return fromEnv;
  return existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const tail = String(stderr).trim().split("\n").slice(-1)[0];
        reject(new Error(tail ? `${err.message.split("\n")[0]}: ${tail}` : err.message.split("\n")[0]));
      } else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Resolves to torch's version, or rejects with why `python -c "import torch"` failed. */
export async function torchVersion(python: string): Promise<string> {
  const { stdout } = await run(python, ["-c", "import torch; print(torch.__version__)"], 120_000);
  return stdout.trim();
}

function num(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`reference output: '${what}' is not a finite number`);
  return v;
}

/** Parses the JSON line sae_step.py prints (the last non-empty stdout line). */
export function parseReferenceOutput(stdout: string): PytorchRun & { torchVersion: string; blas: string } {
  const line = stdout.trim().split("\n").filter((l) => l.trim() !== "").pop();
  if (line === undefined) throw new Error("reference script printed nothing");
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`reference script output is not JSON: ${line.slice(0, 200)}`);
  }
  if (typeof d.error === "string") throw new Error(d.error);
  const rounds = d.rounds_ms;
  if (!Array.isArray(rounds) || rounds.length === 0) throw new Error("reference output: 'rounds_ms' missing");
  return {
    label: String(d.label),
    requestedThreads: String(d.requested_threads),
    torchThreads: num(d.torch_threads, "torch_threads"),
    roundsMs: rounds.map((r, i) => num(r, `rounds_ms[${i}]`)),
    msPerStep: num(d.ms_per_step, "ms_per_step"),
    minMsPerStep: num(d.min_ms_per_step, "min_ms_per_step"),
    cpuMsPerStep: num(d.cpu_ms_per_step, "cpu_ms_per_step"),
    firstLoss: num(d.first_loss, "first_loss"),
    lastLoss: num(d.last_loss, "last_loss"),
    torchVersion: String(d.torch_version),
    blas: String(d.blas ?? "unknown"),
  };
}

function scriptArgs(script: string, threads: string, c: ReferenceConfig): string[] {
  return [
    script,
    "--threads", threads,
    "--input-size", String(c.inputSize),
    "--hidden-size", String(c.hiddenSize),
    "--batch-size", String(c.batchSize),
    "--steps", String(c.steps),
    "--warmup", String(c.warmup),
    "--rounds", String(c.rounds),
    "--seed", String(c.seed),
  ];
}

/**
 * Runs bench/reference/sae_step.py twice (one thread, then PyTorch's default threads), one
 * process each so the thread environment is set before torch loads. Never throws: a missing
 * Python, a missing torch or a failing script gives `{ status: "skipped", reason }`.
 */
export async function runPytorchReference(
  config: ReferenceConfig,
  opts: { python?: string; script?: string; env?: Record<string, string | undefined> } = {},
): Promise<PytorchReference> {
  const python = opts.python ?? findPython(opts.env);
  let version: string;
  try {
    version = await torchVersion(python);
  } catch (e) {
    return { status: "skipped", python, reason: `${python} cannot import torch (${(e as Error).message})` };
  }
  try {
    const script = opts.script ?? referenceScriptPath();
    if (!existsSync(script)) return { status: "skipped", python, reason: `reference script not found at ${script}` };
    const timeout = 30 * 60_000;
    const one = parseReferenceOutput((await run(python, scriptArgs(script, "1", config), timeout)).stdout);
    const dflt = parseReferenceOutput((await run(python, scriptArgs(script, "default", config), timeout)).stdout);
    const strip = ({ torchVersion: _v, blas: _b, ...r }: typeof one): PytorchRun => r;
    return { status: "ok", python, torchVersion: version, blas: one.blas, oneThread: strip(one), defaultThreads: strip(dflt) };
  } catch (e) {
    return { status: "skipped", python, reason: `the reference script failed (${(e as Error).message})` };
  }
}

/** Absolute path of the PyTorch reference script shipped with the package (bench/reference). */
export function referenceScriptPath(): string {
  return path.join(packageRoot(), "bench", "reference", "sae_step.py");
}
