import { dirnamePosix, joinPosix, resolvePosix } from "./posixPath.js";
import type { Storage } from "./storage.js";

/**
 * A {@link Storage} held in a Map: POSIX paths rooted at "/", directories implied by the files
 * under them. For browsers (checkpoints that last as long as the page) and tests.
 */
export function memoryStorage(): Storage {
  const files = new Map<string, Uint8Array>();
  const dirs = new Set<string>(["/"]);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const key = (p: string) => resolvePosix(p);
  const under = (dir: string) => (dir === "/" ? "/" : `${dir}/`);

  function addDirs(dir: string): void {
    for (let d = dir; !dirs.has(d); d = dirnamePosix(d)) dirs.add(d);
  }

  async function readBytes(file: string): Promise<Uint8Array> {
    const bytes = files.get(key(file));
    if (!bytes) throw new Error(`no such file: ${file}`);
    return bytes.slice();
  }

  return {
    name: "memory",
    sep: "/",
    join: joinPosix,
    dirname: dirnamePosix,
    resolve: resolvePosix,
    readBytes,
    async readText(file) {
      return decoder.decode(await readBytes(file));
    },
    async writeAtomic(file, data) {
      const k = key(file);
      addDirs(dirnamePosix(k));
      files.set(k, typeof data === "string" ? encoder.encode(data) : data.slice());
    },
    async mkdir(dir) {
      addDirs(key(dir));
    },
    async list(dir) {
      const prefix = under(key(dir));
      const names = new Set<string>();
      for (const p of [...files.keys(), ...dirs]) {
        if (p !== prefix && p.startsWith(prefix)) names.add(p.slice(prefix.length).split("/")[0]);
      }
      return [...names].sort();
    },
    async remove(path) {
      const k = key(path);
      const prefix = under(k);
      files.delete(k);
      for (const p of [...files.keys()]) if (p.startsWith(prefix)) files.delete(p);
      for (const d of [...dirs]) if (d !== "/" && (d === k || d.startsWith(prefix))) dirs.delete(d);
    },
    async rename(from, to) {
      const src = key(from);
      const dst = key(to);
      const prefix = under(src);
      const moved = [...files.entries()].filter(([p]) => p === src || p.startsWith(prefix));
      if (moved.length === 0 && !dirs.has(src)) throw new Error(`no such file or directory: ${from}`);
      addDirs(dirnamePosix(dst));
      for (const [p, bytes] of moved) {
        files.delete(p);
        files.set(dst + p.slice(src.length), bytes);
      }
      for (const d of [...dirs]) {
        if (d === src || d.startsWith(prefix)) {
          dirs.delete(d);
          dirs.add(dst + d.slice(src.length));
        }
      }
    },
  };
}
