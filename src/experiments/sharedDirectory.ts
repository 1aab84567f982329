import { existsSync } from "node:fs";
import { mkdir, rename, rm, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import { hashJson } from "./canonicalJson.js";

/** A lock not refreshed for this long belongs to a dead process and may be taken over. */
const STALE_MS = 60_000;
const HEARTBEAT_MS = 5_000;
const POLL_MS = 250;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A directory under `root` named after `name` and a hash of `key`, filled once by `build(dir)`
 * across processes: the first caller takes a lock (mkdir, refreshed every few seconds), builds
 * into a temporary directory and renames it into place; other callers wait for it. A lock whose
 * holder died (not refreshed for a minute) is taken over. Returns the finished directory.
 */
export async function sharedDirectory(root: string, name: string, key: unknown, build: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(root, `${name}-${hashJson(key).slice(0, 16)}`);
  const lock = `${dir}.lock`;
  await mkdir(root, { recursive: true });
  for (;;) {
    if (existsSync(dir)) return dir;
    let locked = false;
    try {
      await mkdir(lock);
      locked = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (!locked) {
      try {
        const s = await stat(lock);
        if (Date.now() - s.mtimeMs > STALE_MS) await rm(lock, { recursive: true, force: true });
      } catch {
        // the lock went away meanwhile
      }
      await sleep(POLL_MS);
      continue;
    }
    const heartbeat = setInterval(() => {
      const now = new Date();
      utimes(lock, now, now).catch(() => undefined);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      if (existsSync(dir)) return dir;
      await mkdir(tmp, { recursive: true });
      await build(tmp);
      try {
        await rename(tmp, dir);
      } catch (e) {
        // built twice (a lock taken over from a slow holder): keep the first
        if (!existsSync(dir)) throw e;
      }
      return dir;
    } finally {
      clearInterval(heartbeat);
      await rm(tmp, { recursive: true, force: true });
      await rm(lock, { recursive: true, force: true });
    }
  }
}
