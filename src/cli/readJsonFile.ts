import { readFile } from "node:fs/promises";
import { UsageError } from "./UsageError.js";

/** Reads and parses a JSON file, turning every failure into a one-line UsageError. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (code ?? String(e));
    throw new UsageError(`cannot read ${what} '${path}': ${reason}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} '${path}' is not valid JSON: ${(e as Error).message}`);
  }
}
