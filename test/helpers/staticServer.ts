import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".png": "image/png", ".bin": "application/octet-stream", ".css": "text/css" };

/** Serves in-memory files (path -> bytes or a function that reads them) on 127.0.0.1, a random port. */
export async function serveFiles(files: Record<string, Uint8Array | string | (() => Uint8Array | Promise<Uint8Array>)>): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const key = pathname.endsWith("/") ? `${pathname}index.html` : pathname;
    const entry = files[key];
    if (entry === undefined) {
      res.writeHead(404).end("not found");
      return;
    }
    const body = typeof entry === "function" ? await entry() : entry;
    const ext = key.slice(key.lastIndexOf("."));
    res.writeHead(200, { "content-type": TYPES[ext] ?? "application/octet-stream" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
