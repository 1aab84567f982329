import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

/** The package root: two levels above this file in both src/cli (tsx) and dist/cli (built). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}
