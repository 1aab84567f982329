import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** How to start the sparsekit CLI in a new process: `node [execArgv] entry <args>`. */
export interface CliCommand {
  node: string;
  execArgv: string[];
  entry: string;
}

/**
 * The CLI this code belongs to: dist/cli/main.js when running built (the published package,
 * bin/sparsekit.js), or src/cli/main.ts through tsx's loader (tests, `npx tsx`). Absolute paths,
 * so the command works from any working directory (a Slurm job, a worker).
 */
export function sparsekitCliCommand(): CliCommand {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith(".ts");
  const entry = join(dirname(here), "..", "cli", fromSource ? "main.ts" : "main.js");
  const execArgv = fromSource ? ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href] : [];
  return { node: process.execPath, execArgv, entry };
}

/** Single-quotes `s` for a POSIX shell when it holds anything but safe characters. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command line (shell-quoted) that runs the CLI with `args`. */
export function cliCommandLine(cli: CliCommand, args: string[]): string {
  return [cli.node, ...cli.execArgv, cli.entry, ...args].map((a) => (a.startsWith("$") ? `"${a}"` : shellQuote(a))).join(" ");
}
