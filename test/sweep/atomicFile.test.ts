import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJsonIfValid, writeFileAtomic, writeJsonAtomic } from "../../src/sweep/atomicFile.js";
import { tempDir } from "./sweepTestHelpers.js";

describe("atomicFile", () => {
  it("writes through a temporary file and leaves only the target", async () => {
    const dir = tempDir("atomic");
    const file = join(dir, "a", "b", "result.json");
    await writeJsonAtomic(file, { x: 1 });
    await writeFileAtomic(file, '{"x": 2}\n');
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ x: 2 });
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["result.json"]);
  });

  it("readJsonIfValid: undefined for a missing or half-written file", async () => {
    const dir = tempDir("atomic");
    expect(await readJsonIfValid(join(dir, "missing.json"))).toBeUndefined();
    writeFileSync(join(dir, "half.json"), '{"result": {"value": [1, 2');
    expect(await readJsonIfValid(join(dir, "half.json"))).toBeUndefined();
  });
});
