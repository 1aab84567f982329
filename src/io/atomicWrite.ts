import { getStorage } from "./storage.js";

/**
 * Writes `data` to `file` through a temporary sibling and a rename (see Storage.writeAtomic),
 * so a reader sees either the old file or the complete new one. Creates the parent directory.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await getStorage("writeFileAtomic").writeAtomic(file, data);
}
