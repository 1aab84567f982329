import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SparsekitError } from "../validation/index.js";

/**
 * The sparsekit package folder (the one whose package.json is named "sparsekit"), found by
 * walking up from this file, so it is the same from src/ (tsx), dist/ (built) and
 * node_modules/sparsekit (installed).
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "sparsekit") return dir;
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new SparsekitError(`packageRoot: no package.json named "sparsekit" above ${fileURLToPath(import.meta.url)}.`);
    }
    dir = parent;
  }
}

/** The `version` field of sparsekit's package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}
