import { readFile } from "node:fs/promises";
import { nodeStorage } from "../io/nodeStorage.js";

/**
 * Writes `data` to `file` through a temporary sibling and a rename (atomic on POSIX file systems,
 * including NFS and Lustre within one directory), so a reader sees the old file or the complete new
 * one, never a partial write, even when the writer is killed with SIGKILL. Creates the directory.
 * The file system's own Storage.writeAtomic: sweeps run in Node whatever storage is installed.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  return nodeStorage.writeAtomic(file, data);
}

/** `JSON.stringify(value, null, 2)` written atomically. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Parsed JSON of `file`, or undefined when it is missing or not valid JSON. */
export async function readJsonIfValid(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch {
    return undefined;
  }
}
