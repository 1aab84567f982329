import { Command, Option } from "commander";
import { runBenchmark } from "../../bench/index.js";
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

/** `sparsekit bench`: the SAE training step in sparsekit vs the PyTorch CPU reference, with ratios. */
export function benchCommand(io: CliIO): Command {
  return new Command("bench")
    .description("time the SAE training step (784-196-784, KL, Adam, batch 256) against a PyTorch CPU reference")
    .option("--all", "benchmark every backend that can start (node, wasm, cpu), not only the selected one", false)
    .option("--steps <n>", "timed steps per round", positiveInteger("--steps"), 20)
    .option("--rounds <n>", "rounds (the median round is reported)", positiveInteger("--rounds"), 3)
    .option("--warmup <n>", "untimed warm-up steps", positiveInteger("--warmup", 0), 5)
    .option("--batch-size <n>", "batch size", positiveInteger("--batch-size"), 256)
    .option("--no-reference", "skip the PyTorch reference")
    .addOption(new Option("--python <cmd>", "python with torch for the reference (default: $SPARSEKIT_PYTHON, /usr/bin/python3, python3)"))
    .option("--json", "print the full report as JSON instead of a table", false)
    .action(async (flags, cmd: Command) => {
      const backend = cmd.parent?.opts().backend as BackendRequest | undefined;
      const report = await runBenchmark({
        backends: flags.all ? "all" : "selected",
        backend,
        steps: flags.steps,
        rounds: flags.rounds,
        warmup: flags.warmup,
        batchSize: flags.batchSize,
        reference: flags.reference,
        python: flags.python,
        logger: flags.json ? (line) => io.err(`${line}\n`) : (line) => io.out(`${line}\n`),
      });
      if (flags.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    });
}
