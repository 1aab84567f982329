import { relative } from "node:path";
import { Command, Option } from "commander";
import { experimentRegistry, runExperiment } from "../../experiments/index.js";
import type { CliIO } from "../io.js";
import { experimentArgument } from "../experimentArgument.js";
import { UsageError } from "../UsageError.js";

function nonNegativeInteger(flag: string, min = 0) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`option ${flag} must be an integer >= ${min}, got '${raw}'`);
    return n;
  };
}

/** `sparsekit run <experiment>`: one experiment end to end, leaving a report directory. */
export function runCommand(io: CliIO): Command {
  return new Command("run")
    .description("run an experiment end to end and write its report (report.json, index.html, SVG plots, PNG grids)")
    .argument("<experiment>", `one of: ${Object.keys(experimentRegistry).join(", ") || "(none yet)"}`)
    .option("--epochs <n>", "training epochs (or the experiment's equivalent; see its config)", nonNegativeInteger("--epochs", 1))
    .option("--seed <n>", "seed of every random draw of the run", nonNegativeInteger("--seed"))
    .option("--out <dir>", "run directory (default: runs/<experiment>-seed<seed>)")
    .option("--config <file>", "JSON file of config values (validated; unknown keys are errors)")
    .option("--quick", "tiny settings that finish in seconds (smoke test)", false)
    .option("--resume", "continue the interrupted run in --out from its checkpoints", false)
    .addOption(new Option("--progress <mode>", "progress display").choices(["auto", "bar", "log", "none"]).default("auto"))
    .action(async (name: string, flags) => {
      const { experiment, config } = await experimentArgument(name, flags.config);
      const overrides: Record<string, unknown> = {};
      if (flags.epochs !== undefined) {
        if (!("epochs" in experiment.configSchema.shape)) throw new UsageError(`experiment '${name}' has no 'epochs' setting`);
        overrides.epochs = flags.epochs;
      }
      const progress = flags.progress === "auto" ? (io.isTTY ? "bar" : "log") : flags.progress;
      const result = await runExperiment(experiment, {
        config,
        overrides,
        seed: flags.seed,
        outDir: flags.out,
        quick: flags.quick,
        resume: flags.resume,
        progress,
        log: (line) => io.err(`${line}\n`),
      });
      const shown = relative(process.cwd(), result.files.html) || result.files.html;
      io.out(`${experiment.title}: finished in ${result.seconds.toFixed(1)} s\nreport: ${shown}\n`);
    });
}
