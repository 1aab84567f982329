import { createHash } from "node:crypto";
import { encodeNonFinite, toPlainValue } from "../report/jsonValue.js";

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** JSON with object keys sorted at every level and NaN/Infinity encoded: equal data, equal text. */
export function canonicalJson(value: unknown): string {
  const { value: plain, pointers } = encodeNonFinite(toPlainValue(value, "canonicalJson", "value"));
  return JSON.stringify(sortKeys(pointers.length ? { value: plain, nonFinite: pointers } : plain));
}

/** Hex SHA-256 of the canonical JSON of `value`. */
export function hashJson(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}
