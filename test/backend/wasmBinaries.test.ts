import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WASM_BINARY_NAMES, wasmBinaryDir } from "../../src/backend/wasmBinaries.js";

describe("wasm binaries", () => {
  it("resolves the installed package's dist folder, whatever the working directory", () => {
    const cwd = process.cwd();
    try {
      process.chdir(path.parse(cwd).root);
      const dir = wasmBinaryDir();
      expect(path.isAbsolute(dir)).toBe(true);
      expect(dir.endsWith(path.sep)).toBe(true);
      for (const f of WASM_BINARY_NAMES) expect(existsSync(dir + f)).toBe(true);
      const pkgMain = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm");
      expect(dir).toBe(path.dirname(pkgMain) + path.sep);
    } finally {
      process.chdir(cwd);
    }
  });
});
