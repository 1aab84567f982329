import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cliCommandLine, shellQuote, sparsekitCliCommand } from "../../src/sweep/childCommand.js";

describe("childCommand", () => {
  it("runs the TypeScript CLI through tsx when loaded from src/ (absolute paths)", () => {
    const cli = sparsekitCliCommand();
    expect(cli.node).toBe(process.execPath);
    expect(cli.entry).toMatch(/src\/cli\/main\.ts$/);
    expect(existsSync(cli.entry)).toBe(true);
    expect(cli.execArgv[0]).toBe("--import");
    expect(cli.execArgv[1]).toMatch(/^file:\/\/.*tsx.*loader\.mjs$/);
  });

  it("quotes for a POSIX shell and keeps $VARIABLES expandable", () => {
    expect(shellQuote("/a/b-c.d")).toBe("/a/b-c.d");
    expect(shellQuote("a b'c")).toBe(`'a b'\\''c'`);
    expect(cliCommandLine({ node: "/usr/bin/node", execArgv: [], entry: "/x/main.js" }, ["sweep", "run-trial", "/d", "$SLURM_ARRAY_TASK_ID"])).toBe(
      '/usr/bin/node /x/main.js sweep run-trial /d "$SLURM_ARRAY_TASK_ID"',
    );
  });
});
