/** POSIX path arithmetic for storages without a platform path module (see memoryStorage). */

/** Collapses "", "." and ".." components; keeps a leading "/". */
export function normalizePosix(path: string): string {
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
    } else out.push(part);
  }
  const body = out.join("/");
  return absolute ? `/${body}` : body === "" ? "." : body;
}

export function joinPosix(...parts: string[]): string {
  return normalizePosix(parts.filter((p) => p !== "").join("/"));
}

export function dirnamePosix(path: string): string {
  const norm = normalizePosix(path);
  const i = norm.lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : norm.slice(0, i);
}

/** Like path.posix.resolve with "/" as the working directory. */
export function resolvePosix(...parts: string[]): string {
  let acc = "/";
  for (const p of parts) acc = p.startsWith("/") ? p : `${acc}/${p}`;
  return normalizePosix(acc);
}
