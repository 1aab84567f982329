import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hashJson } from "../../src/experiments/canonicalJson.js";
import { sharedDirectory } from "../../src/experiments/sharedDirectory.js";

describe("sharedDirectory", () => {
  it("builds once for concurrent callers; later callers get the finished directory", async () => {
    const root = mkdtempSync(join(tmpdir(), "shared-"));
    let builds = 0;
    const build = async (dir: string) => {
      builds++;
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(join(dir, "model.json"), "{}");
    };
    const dirs = await Promise.all([1, 2, 3].map(() => sharedDirectory(root, "pre", { a: 1 }, build)));
    expect(builds).toBe(1);
    expect(new Set(dirs).size).toBe(1);
    expect(readFileSync(join(dirs[0], "model.json"), "utf8")).toBe("{}");
    expect(await sharedDirectory(root, "pre", { a: 1 }, build)).toBe(dirs[0]);
    expect(builds).toBe(1);
    expect(await sharedDirectory(root, "pre", { a: 2 }, build)).not.toBe(dirs[0]);
    expect(readdirSync(root).filter((f) => f.includes(".lock") || f.includes(".tmp-"))).toEqual([]);
  });

  it("a failed build leaves nothing behind; a stale lock of a dead process is taken over", async () => {
    const root = mkdtempSync(join(tmpdir(), "shared-"));
    await expect(sharedDirectory(root, "x", 1, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(readdirSync(root)).toEqual([]);
    const lock = join(root, `y-${hashJson(1).slice(0, 16)}.lock`);
    mkdirSync(lock);
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    const dir = await sharedDirectory(root, "y", 1, async (d) => writeFileSync(join(d, "f"), "1"));
    expect(readFileSync(join(dir, "f"), "utf8")).toBe("1");
    expect(existsSync(lock)).toBe(false);
  });
});
