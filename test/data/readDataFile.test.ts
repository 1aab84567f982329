import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readDataFile } from "../../src/data/readDataFile.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

const dir = mkdtempSync(join(tmpdir(), "sparsekit-read-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readDataFile", () => {
  it("reads a file and passes bytes through", () => {
    const p = join(dir, "a.bin");
    writeFileSync(p, Buffer.from([1, 2, 3]));
    expect(Array.from(readDataFile(p, "f", "path"))).toEqual([1, 2, 3]);
    const bytes = new Uint8Array([9, 8]);
    expect(readDataFile(bytes, "f", "path")).toBe(bytes);
  });

  it("explains missing files, folders and wrong argument types", () => {
    expect(() => readDataFile(join(dir, "nope.bin"), "loadIdxFile", "path")).toThrow(/loadIdxFile: argument 'path' must name a readable file.*no such file/);
    expect(() => readDataFile(dir, "f", "path")).toThrow(/directory/);
    expect(() => readDataFile(42 as unknown as string, "f", "path")).toThrow(SparsekitError);
  });
});
