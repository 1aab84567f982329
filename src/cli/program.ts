import { Command, CommanderError, Option } from "commander";
import { SparsekitError } from "../validation/SparsekitError.js";
import { objectiveCommand } from "./commands/objective.js";
import { infoCommand } from "./commands/info.js";
import { benchCommand } from "./commands/bench.js";
import { runCommand } from "./commands/run.js";
import { sweepCommand } from "./commands/sweep.js";
import { CommandExit } from "./CommandExit.js";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliIO } from "./io.js";
import { UsageError } from "./UsageError.js";
import { initBackend, type BackendName } from "../backend/node.js";
import { packageVersion } from "../io/packageRoot.js";
import { installNodePlatform } from "../nodePlatform.js";

export const BACKEND_CHOICES = ["auto", "node", "wasm", "cpu"] as const;

function buildProgram(io: CliIO): Command {
  installNodePlatform();
  const program = new Command("sparsekit")
    .description("Sparse representations with neural networks: objectives, models and experiments on TensorFlow.js")
    .version(packageVersion(), "-V, --version")
    .addOption(
      new Option("--backend <name>", "tfjs backend (default: tfjs-node if installed, else wasm, else cpu; env SPARSEKIT_BACKEND)").choices(
        BACKEND_CHOICES,
      ),
    )
    .showSuggestionAfterError(true)
    .hook("preAction", async (root) => {
      const backend = root.opts().backend as BackendName | undefined;
      await initBackend({ backend });
    });
  program.addCommand(infoCommand(io));
  program.addCommand(benchCommand(io));
  program.addCommand(objectiveCommand(io));
  program.addCommand(runCommand(io));
  program.addCommand(sweepCommand(io));
  return program;
}

/** Applies our output and exit conventions to a command and all its subcommands. */
function configure(cmd: Command, io: CliIO): void {
  cmd.exitOverride().configureOutput({
    writeOut: io.out,
    writeErr: io.err,
    outputError: (text, write) => write(text.trimEnd().split("\n")[0] + "\n"),
  });
  for (const sub of cmd.commands) configure(sub, io);
}

/**
 * Runs the CLI on `argv` (without node and script) and returns the exit code instead of exiting,
 * so tests drive it in-process. Usage errors are one line on stderr and exit code 2.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  configure(program, io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommandExit) return e.code;
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return EXIT_OK;
      return EXIT_USAGE; // commander already printed its one-line message
    }
    if (e instanceof UsageError || e instanceof SparsekitError) {
      io.err(`sparsekit: error: ${e.message}\n`);
      return EXIT_USAGE;
    }
    io.err(`sparsekit: unexpected failure: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT_FAILURE;
  }
}
