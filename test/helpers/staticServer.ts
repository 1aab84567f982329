import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".bin": "application/octet-stream",
};

export interface StaticServer {
  url: string;
  close: () => Promise<void>;
}

/** Serves what `lookup` returns for each path ("/" and ".../" mean index.html) on 127.0.0.1, a free port. */
async function serve(lookup: (path: string) => Uint8Array | string | undefined): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const key = pathname.endsWith("/") ? `${pathname}index.html` : pathname;
    const body = lookup(key);
    if (body === undefined) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[key.slice(key.lastIndexOf("."))] ?? "application/octet-stream" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Serves in-memory files (path -> bytes). */
export function serveFiles(files: Record<string, Uint8Array | string>): Promise<StaticServer> {
  return serve((path) => files[path]);
}

/** Serves a built site's directory, as any static host does (nothing outside `dir`). */
export function serveDirectory(dir: string): Promise<StaticServer> {
  const root = normalize(dir);
  return serve((path) => {
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return undefined;
    return readFileSync(file);
  });
}
