import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { Storage } from "./storage.js";

/** The real file system as a {@link Storage} (installed by `sparsekit/node`). */
export const nodeStorage: Storage = {
  name: "file system",
  sep: path.sep,
  join: (...parts) => path.join(...parts),
  dirname: (p) => path.dirname(p),
  resolve: (...parts) => path.resolve(...parts),
  async readBytes(file) {
    const buf = await fs.readFile(file);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  },
  readText: (file) => fs.readFile(file, "utf8"),
  async writeAtomic(file, data) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await fs.writeFile(tmp, data);
      await fs.rename(tmp, file);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  },
  async mkdir(dir) {
    await fs.mkdir(dir, { recursive: true });
  },
  async list(dir) {
    try {
      return await fs.readdir(dir);
    } catch {
      return [];
    }
  },
  remove: (p) => fs.rm(p, { recursive: true, force: true }),
  rename: (from, to) => fs.rename(from, to),
};
