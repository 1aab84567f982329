import { promises as fs } from "node:fs";
import * as path from "node:path";

/**
 * Writes `data` to `file` through a temporary sibling and a rename, so a reader (or a run that
 * resumes after a crash) sees either the old file or the complete new one, never half of it.
 * Creates the parent directory if needed.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
