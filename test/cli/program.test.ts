import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliForTest } from "./runCliForTest.js";

describe("sparsekit CLI program", () => {
  it("prints help listing the commands", async () => {
    const r = await runCliForTest(["--help"]);
    expect(r.code).toBe(0);
    for (const cmd of ["info", "bench", "objective"]) expect(r.out).toContain(cmd);
  });
  it("gives one-line errors and exit 2 for unknown commands and options", async () => {
    for (const argv of [["frobnicate"], ["info", "--bogus"], ["--backend", "gpu", "info"]]) {
      const r = await runCliForTest(argv);
      expect(r.code).toBe(2);
      expect(r.err.trim().split("\n")).toHaveLength(1);
    }
  });
  it("runs as a process with the same exit codes (end to end through tsx)", () => {
    const root = join(import.meta.dirname, "..", "..");
    const run = (args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], { cwd: root, encoding: "utf8" });
    const ok = run(["--backend", "cpu", "info", "--json"]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).backend).toBe("cpu");
    const bad = run(["nope"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });
});
