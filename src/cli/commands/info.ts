import { Command } from "commander";
import { backendInfo } from "../../backend/node.js";
import type { CliIO } from "../io.js";
import { packageVersion } from "../../io/packageRoot.js";

/** `sparsekit info [--json]`: active backend, threads, versions. */
export function infoCommand(io: CliIO): Command {
  return new Command("info")
    .description("print the active backend, its threads and the versions in use")
    .option("--json", "print as JSON", false)
    .action(async (flags: { json: boolean }) => {
      const info = { sparsekit: packageVersion(), ...(await backendInfo()) };
      if (flags.json) {
        io.out(`${JSON.stringify(info, null, 2)}\n`);
        return;
      }
      const width = Math.max(...Object.keys(info).map((k) => k.length));
      for (const [key, value] of Object.entries(info)) io.out(`${key.padEnd(width)}  ${value === null ? "-" : String(value)}\n`);
    });
}
