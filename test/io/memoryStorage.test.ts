import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryStorage } from "../../src/io/memoryStorage.js";

describe("memoryStorage", () => {
  it("writes, reads, lists, renames and removes like a small file system", async () => {
    const s = memoryStorage();
    await s.writeAtomic("/runs/a/x.json", "{}");
    await s.writeAtomic("runs/a/y.bin", new Uint8Array([1, 2, 3]));
    await s.mkdir("/runs/empty");
    expect(await s.list("/runs")).toEqual(["a", "empty"]);
    expect(await s.list("/runs/a")).toEqual(["x.json", "y.bin"]);
    expect(await s.list("/nowhere")).toEqual([]);
    expect(await s.readText("/runs/a/x.json")).toBe("{}");
    expect(Array.from(await s.readBytes("/runs/a/y.bin"))).toEqual([1, 2, 3]);
    await s.rename("/runs/a", "/runs/b");
    expect(await s.list("/runs")).toEqual(["b", "empty"]);
    expect(await s.readText("/runs/b/x.json")).toBe("{}");
    await expect(s.readText("/runs/a/x.json")).rejects.toThrow(/no such file: \/runs\/a\/x.json/);
    await s.remove("/runs/b");
    expect(await s.list("/runs")).toEqual(["empty"]);
    await s.remove("/runs/b"); // absent: no error
    await expect(s.rename("/missing", "/x")).rejects.toThrow(/no such file or directory/);
  });

  it("returns copies, so later writes to a buffer do not change a stored file", async () => {
    const s = memoryStorage();
    const data = new Uint8Array([5]);
    await s.writeAtomic("/f", data);
    data[0] = 9;
    const read = await s.readBytes("/f");
    read[0] = 7;
    expect(Array.from(await s.readBytes("/f"))).toEqual([5]);
  });

  it("reads back exactly what it wrote, for any bytes (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), fc.stringMatching(/^[a-z]{1,8}$/), async (bytes, name) => {
        const s = memoryStorage();
        await s.writeAtomic(s.join("/d", name), bytes);
        expect(Array.from(await s.readBytes(`/d/${name}`))).toEqual(Array.from(bytes));
      }),
    );
  });
});
