import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeStorage } from "../../src/io/nodeStorage.js";

describe("nodeStorage", () => {
  it("writes atomically (no temporary file left), lists, renames and removes on disk", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sparsekit-storage-"));
    const file = nodeStorage.join(dir, "sub", "a.txt");
    await nodeStorage.writeAtomic(file, "hello");
    expect(await nodeStorage.readText(file)).toBe("hello");
    expect(await nodeStorage.list(nodeStorage.join(dir, "sub"))).toEqual(["a.txt"]);
    expect(await nodeStorage.list(nodeStorage.join(dir, "absent"))).toEqual([]);
    await nodeStorage.rename(nodeStorage.join(dir, "sub"), nodeStorage.join(dir, "moved"));
    expect(Array.from(await nodeStorage.readBytes(nodeStorage.join(dir, "moved", "a.txt")))).toEqual([...Buffer.from("hello")]);
    await nodeStorage.remove(nodeStorage.join(dir, "moved"));
    expect(await nodeStorage.list(dir)).toEqual([]);
    await expect(nodeStorage.readText(file)).rejects.toThrow(/ENOENT/);
  });
});
