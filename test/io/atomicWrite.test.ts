import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/io/atomicWrite.js";

describe("writeFileAtomic", () => {
  it("creates parent directories, replaces existing files and leaves no temporary files", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-aw-"));
    const file = path.join(dir, "a", "b", "f.txt");
    await writeFileAtomic(file, "one");
    await writeFileAtomic(file, new Uint8Array([116, 119, 111]));
    expect(await fs.readFile(file, "utf8")).toBe("two");
    expect(await fs.readdir(path.dirname(file))).toEqual(["f.txt"]);
  });

  it("propagates errors and cleans up", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-aw-"));
    await fs.mkdir(path.join(dir, "isdir"));
    await expect(writeFileAtomic(path.join(dir, "isdir"), "x")).rejects.toThrow();
    expect(await fs.readdir(dir)).toEqual(["isdir"]);
  });
});
