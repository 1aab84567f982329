import { Command, Option } from "commander";
import { runBenchmark, runBenchmarkSuite, WORKLOAD_NAMES } from "../../bench/index.js";
import type { BackendRequest } from "../../backend/node.js";
import type { CliIO } from "../io.js";
import { UsageError } from "../UsageError.js";

function positiveInteger(flag: string, min = 1) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`option ${flag} must be an integer >= ${min}, got '${raw}'`);
    return n;
  };
}

function workloadList(raw: string): string[] {
  const names = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const n of names) {
    if (!WORKLOAD_NAMES.includes(n)) throw new UsageError(`option --workloads: unknown workload '${n}'; known: ${WORKLOAD_NAMES.join(", ")}`);
  }
  if (names.length === 0) throw new UsageError("option --workloads needs at least one workload name");
  return names;
}

/**
 * `sparsekit bench`: the SAE training step against the PyTorch CPU reference; with `--all` (or
 * `--workloads`) the whole suite (src/bench/workloads.ts), one table with ratios per workload.
 */
export function benchCommand(io: CliIO): Command {
  return new Command("bench")
    .description("time sparsekit against PyTorch CPU references: the SAE step, or with --all every workload of the suite")
    .option("--all", `run every workload of the suite (${WORKLOAD_NAMES.join(", ")})`, false)
    .option("--workloads <list>", "comma-separated workloads of the suite to run", workloadList)
    .option("--all-backends", "SAE step only: benchmark every backend that can start (node, wasm, cpu)", false)
    .option("--steps <n>", "timed steps per round (default 20; suite 10)", positiveInteger("--steps"))
    .option("--rounds <n>", "rounds (the median round is reported)", positiveInteger("--rounds"), 3)
    .option("--warmup <n>", "untimed warm-up steps (default 5; suite 3)", positiveInteger("--warmup", 0))
    .option("--batch-size <n>", "SAE step only: batch size", positiveInteger("--batch-size"), 256)
    .option("--tiny", "suite: tiny shapes (a smoke test, not a measurement)", false)
    .option("--in-process", "suite: run sparsekit's side in this process instead of one process per workload", false)
    .option("--no-reference", "skip the PyTorch reference")
    .option("--no-peaks", "suite: skip the machine's peaks (wasm SIMD ceiling, GEMMs) and the per-workload bounds")
    .addOption(new Option("--python <cmd>", "python with torch for the reference (default: $SPARSEKIT_PYTHON, /usr/bin/python3, python3)"))
    .option("--json [file]", "write the full report as JSON to <file>, or print it instead of the table")
    .action(async (flags, cmd: Command) => {
      const backend = cmd.parent?.opts().backend as BackendRequest | undefined;
      const jsonFile = typeof flags.json === "string" ? (flags.json as string) : undefined;
      const jsonStdout = flags.json === true;
      const logger = jsonStdout ? (line: string) => io.err(`${line}\n`) : (line: string) => io.out(`${line}\n`);
      if (flags.all || flags.workloads) {
        const report = await runBenchmarkSuite({
          ...(flags.workloads ? { workloads: flags.workloads as string[] } : {}),
          ...(backend ? { backend } : {}),
          ...(flags.steps !== undefined ? { steps: flags.steps as number } : {}),
          ...(flags.warmup !== undefined ? { warmup: flags.warmup as number } : {}),
          rounds: flags.rounds as number,
          tiny: flags.tiny as boolean,
          isolate: !flags.inProcess,
          reference: flags.reference as boolean,
          peaks: flags.peaks as boolean,
          ...(flags.python ? { python: flags.python as string } : {}),
          ...(jsonFile ? { jsonFile } : {}),
          logger,
        });
        if (jsonStdout) io.out(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const report = await runBenchmark({
        backends: flags.allBackends ? "all" : "selected",
        backend,
        steps: flags.steps ?? 20,
        rounds: flags.rounds,
        warmup: flags.warmup ?? 5,
        batchSize: flags.batchSize,
        reference: flags.reference,
        python: flags.python,
        logger,
      });
      if (jsonStdout) io.out(`${JSON.stringify(report, null, 2)}\n`);
      if (jsonFile) {
        const { writeFileSync } = await import("node:fs");
        writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
      }
    });
}
