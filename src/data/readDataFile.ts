import { readFileSync } from "node:fs";
import { SparsekitError } from "../validation/SparsekitError.js";

/** Bytes of a data file, or the caller's bytes as they are: loaders accept either. */
export type DataSource = string | Uint8Array;

/**
 * Reads a data file (or passes a Uint8Array/Buffer through), turning fs errors into a
 * SparsekitError that names the function, the argument and the path.
 */
export function readDataFile(source: DataSource, where: string, name: string): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (typeof source !== "string" || source.length === 0) {
    throw new SparsekitError(
      `${where}: argument '${name}' must be a file path or a Uint8Array, got ${source === null ? "null" : typeof source}.`,
    );
  }
  try {
    return readFileSync(source);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : String((e as Error).message);
    throw new SparsekitError(`${where}: argument '${name}' must name a readable file, got "${source}" (${why}).`);
  }
}
