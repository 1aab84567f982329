import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJsonFile } from "../../src/cli/readJsonFile.js";

describe("readJsonFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "sparsekit-json-"));
  it("parses a file", async () => {
    writeFileSync(join(dir, "a.json"), "[[1, 2]]");
    expect(await readJsonFile(join(dir, "a.json"), "input file")).toEqual([[1, 2]]);
  });
  it("gives one-line errors for missing files, directories and bad JSON", async () => {
    await expect(readJsonFile(join(dir, "missing.json"), "input file")).rejects.toThrow(/cannot read input file .*missing.json': no such file/);
    await expect(readJsonFile(dir, "input file")).rejects.toThrow(/it is a directory/);
    writeFileSync(join(dir, "bad.json"), "[[1, 2]");
    await expect(readJsonFile(join(dir, "bad.json"), "input file")).rejects.toThrow(/is not valid JSON/);
  });
});
