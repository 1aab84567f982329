import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sparsekitCliCommand } from "../../src/sweep/childCommand.js";

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `sparsekit-${prefix}-`));
}

/** The CLI as a child process (through tsx), in its own process group. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; out: string; err: string }> } {
  const cli = sparsekitCliCommand();
  const child = spawn(cli.node, [...cli.execArgv, cli.entry, ...args], { env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (err += d));
  const done = new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, out, err })),
  );
  return { child, done };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it returns a value (or throws after `timeoutMs`). */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 60_000, what = "condition"): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** report.json metrics without the timing fields (cpuSeconds, per-run seconds), which differ between any two runs. */
export function metricsWithoutTimings(reportJson: string): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => k !== "cpuSeconds" && k !== "seconds").map(([k, x]) => [k, strip(x)]));
    }
    return v;
  };
  return strip(JSON.parse(readFileSync(reportJson, "utf8")).metrics);
}

/** Files of every trial directory: a finished sweep has exactly one result.json per trial and no temporary files. */
export function trialFiles(dir: string): Record<string, string[]> {
  const root = join(dir, "trials");
  if (!existsSync(root)) return {};
  return Object.fromEntries(readdirSync(root).map((id) => [id, readdirSync(join(root, id)).sort()]));
}
