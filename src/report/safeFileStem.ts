import { SparsekitError } from "../validation/SparsekitError.js";

/** Longest slug kept from a name; the file's numeric prefix keeps shortened names unique. */
const MAX_SLUG = 48;

/**
 * Turns a display name into a portable file-name stem: accents stripped, lower-case ASCII letters,
 * digits and single hyphens only, at most 48 characters. A report prefixes it with the figure's
 * running number ("fig01-loss-curves"), which keeps names unique and avoids reserved names such
 * as "con" on Windows. Throws SparsekitError when nothing usable is left (e.g. "???" or "").
 */
export function safeFileStem(name: string, where = "safeFileStem"): string {
  if (typeof name !== "string") {
    throw new SparsekitError(`${where}: argument 'name' must be a string, got ${name === null ? "null" : typeof name}.`);
  }
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_SLUG)
    .replace(/-+$/g, "");
  if (slug === "") {
    throw new SparsekitError(
      `${where}: argument 'name' must contain at least one ASCII letter or digit to name a file, got ${JSON.stringify(name)}.`,
    );
  }
  return slug;
}
