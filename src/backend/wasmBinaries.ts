import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { SparsekitError } from "../validation/index.js";

/** The three binaries tfjs-backend-wasm 4.x may load (plain, SIMD, threaded SIMD). */
export const WASM_BINARY_NAMES = [
  "tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm",
] as const;

/**
 * Absolute folder (with trailing separator) holding the `.wasm` binaries of the installed
 * `@tensorflow/tfjs-backend-wasm`. Resolved through Node's module resolution from this file,
 * so it works from a clone (src via tsx, dist after build) and from an installed package,
 * whatever the current working directory.
 */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    // "main" of the package is dist/tf-backend-wasm.node.js, next to the binaries.
    entry = require.resolve("@tensorflow/tfjs-backend-wasm");
  } catch (e) {
    throw new SparsekitError(
      `wasmBinaryDir: cannot resolve '@tensorflow/tfjs-backend-wasm' (${(e as Error).message}); ` +
        "reinstall sparsekit's dependencies (npm install).",
    );
  }
  const dir = path.dirname(entry);
  const missing = WASM_BINARY_NAMES.filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length === WASM_BINARY_NAMES.length) {
    throw new SparsekitError(
      `wasmBinaryDir: no .wasm binaries in ${dir} (expected ${WASM_BINARY_NAMES.join(", ")}); ` +
        "the @tensorflow/tfjs-backend-wasm install looks incomplete.",
    );
  }
  return dir + path.sep;
}
