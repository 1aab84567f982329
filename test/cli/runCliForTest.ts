import { runCli } from "../../src/cli/program.js";

/** Runs the CLI in-process and captures what it prints. */
export async function runCliForTest(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false });
  return { code, out, err };
}
