import { SparsekitError } from "../validation/SparsekitError.js";

/**
 * The file operations sparsekit's checkpoints, tensor maps and model directories need, so that
 * the platform-neutral core never touches `node:fs` itself. `sparsekit/node` installs a storage
 * over the real file system; a web page can install {@link memoryStorage} (checkpoints that live
 * as long as the page) or its own (e.g. over the Origin Private File System).
 *
 * Paths are plain strings in the storage's own syntax; build them with `join`/`dirname`/`resolve`.
 */
export interface Storage {
  /** Short description for error messages, e.g. "file system", "memory". */
  readonly name: string;
  join(...parts: string[]): string;
  dirname(path: string): string;
  /** Absolute, normalised form of `parts` (relative to the working directory where there is one). */
  resolve(...parts: string[]): string;
  /** Separator `resolve` uses between path components. */
  readonly sep: string;
  /** The whole file; rejects with an Error whose message names the problem (e.g. "no such file"). */
  readBytes(file: string): Promise<Uint8Array>;
  readText(file: string): Promise<string>;
  /**
   * Writes through a temporary sibling and a rename, so a reader (or a run that resumes after a
   * crash) sees either the old file or the complete new one. Creates parent directories.
   */
  writeAtomic(file: string, data: string | Uint8Array): Promise<void>;
  mkdir(dir: string): Promise<void>;
  /** Entry names of a directory; [] when it does not exist. */
  list(dir: string): Promise<string[]>;
  /** Removes a file or a directory tree; no error when absent. */
  remove(path: string): Promise<void>;
  /** Renames a file or directory (replacing nothing: the target must not exist). */
  rename(from: string, to: string): Promise<void>;
}

let installed: Storage | undefined;

/** Installs the storage used for every path-based save/load (pass undefined to remove it). */
export function setStorage(storage: Storage | undefined): void {
  installed = storage;
}

/** The installed storage; a SparsekitError naming `where` and the fix when there is none. */
export function getStorage(where: string): Storage {
  if (!installed) {
    throw new SparsekitError(
      `${where}: no storage for file paths is installed. In Node, import "sparsekit/node" (it installs the file system); ` +
        `in a browser, call setStorage(memoryStorage()) or save models to a tfjs URL such as "indexeddb://name" or "downloads://name".`,
    );
  }
  return installed;
}

/** True when a storage is installed (path-based saving is possible). */
export function hasStorage(): boolean {
  return installed !== undefined;
}
