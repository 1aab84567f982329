import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";

/** A value JSON can hold exactly. Numbers may still be NaN/±Infinity until `encodeNonFinite`. */
export type PlainValue = null | boolean | number | string | PlainValue[] | { [key: string]: PlainValue };

/** The strings that stand for non-finite numbers in report.json. */
export type NonFiniteToken = "NaN" | "Infinity" | "-Infinity";

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return (v as object).constructor?.name ?? "an object without prototype";
  return typeof v;
}

/** RFC 6901 JSON pointer segment escaping ("~" -> "~0", "/" -> "~1"). */
function pointerSegment(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Sets an own property even for the key "__proto__" (plain assignment would change the prototype). */
function setKey(obj: { [key: string]: PlainValue }, key: string, value: PlainValue): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Validates `value` and deep-copies it into plain JSON data, so later mutation by the caller cannot
 * change what the report writes. Accepted: null, booleans, numbers (NaN/±Infinity kept, see
 * `encodeNonFinite`), strings, arrays, plain objects, typed arrays (-> number arrays) and Dates
 * (-> ISO strings). Object keys whose value is `undefined` are dropped, as JSON.stringify does.
 * Rejected with a SparsekitError naming the path: tf.Tensors (read them first, e.g. `arraySync()`),
 * bigint, functions, symbols, Maps/Sets/class instances, `undefined` inside arrays, cycles.
 * `where`/`name` name the calling function and argument for the error message.
 */
export function toPlainValue(value: unknown, where: string, name: string): PlainValue {
  const seen = new Set<object>();
  const fail = (path: string, what: string): never => {
    throw new SparsekitError(`${where}: argument '${name}' must be JSON-serialisable data; at ${path || "/"} ${what}.`);
  };
  const walk = (v: unknown, path: string): PlainValue => {
    if (v === null || typeof v === "boolean" || typeof v === "string") return v;
    if (typeof v === "number") return Object.is(v, -0) ? 0 : v;
    if (v === undefined) return fail(path, "got undefined (use null for a missing value)");
    if (typeof v === "bigint") return fail(path, "got a bigint (convert it with Number() or String())");
    if (typeof v !== "object") return fail(path, `got ${typeof v}`);
    if (v instanceof tf.Tensor) return fail(path, "got a tf.Tensor (read it first, e.g. with arraySync() or dataSync())");
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) return fail(path, "got an invalid Date");
      return v.toISOString();
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const arr = v as unknown as ArrayLike<number | bigint>;
      const out: number[] = [];
      for (let i = 0; i < arr.length; i++) {
        const x = arr[i];
        if (typeof x === "bigint") return fail(`${path}/${i}`, "got a bigint (convert BigInt64Array first)");
        out.push(Object.is(x, -0) ? 0 : x);
      }
      return out;
    }
    if (seen.has(v)) return fail(path, "found a circular reference");
    if (Array.isArray(v)) {
      seen.add(v);
      const out = v.map((item, i) => walk(item, `${path}/${i}`));
      seen.delete(v);
      return out;
    }
    if (!isPlainObject(v)) return fail(path, `got ${kindOf(v)} (only plain objects, arrays and typed arrays)`);
    seen.add(v);
    const out: { [key: string]: PlainValue } = {};
    for (const [key, item] of Object.entries(v)) {
      if (item === undefined) continue;
      setKey(out, key, walk(item, `${path}/${pointerSegment(key)}`));
    }
    seen.delete(v);
    return out;
  };
  return walk(value, "");
}

function tokenFor(x: number): NonFiniteToken {
  return Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
}

/**
 * The report.json convention for non-finite numbers: each NaN/Infinity/-Infinity is written as the
 * string "NaN"/"Infinity"/"-Infinity" and its RFC 6901 JSON pointer (relative to `value`) is listed
 * in `pointers`. Strings keep the kind of value (unlike null) and the pointer list makes decoding
 * unambiguous: a genuine string "NaN" in a config is not listed, so it stays a string.
 */
export function encodeNonFinite(value: PlainValue, basePointer = ""): { value: PlainValue; pointers: string[] } {
  const pointers: string[] = [];
  const walk = (v: PlainValue, path: string): PlainValue => {
    if (typeof v === "number") {
      if (Number.isFinite(v)) return v;
      pointers.push(path);
      return tokenFor(v);
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}/${i}`));
    if (v !== null && typeof v === "object") {
      const out: { [key: string]: PlainValue } = {};
      for (const [key, item] of Object.entries(v)) setKey(out, key, walk(item, `${path}/${pointerSegment(key)}`));
      return out;
    }
    return v;
  };
  return { value: walk(value, basePointer), pointers };
}

function unescapeSegment(s: string): string {
  return s.replace(/~1/g, "/").replace(/~0/g, "~");
}

const TOKEN_VALUE: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

/**
 * Inverse of `encodeNonFinite`: returns a copy of `value` with each listed pointer's token turned
 * back into NaN/±Infinity. Throws SparsekitError if a pointer is missing or does not hold a token.
 */
export function decodeNonFinite(value: PlainValue, pointers: readonly string[]): PlainValue {
  const copy = structuredClone(value);
  let root: PlainValue = copy;
  for (const pointer of pointers) {
    if (pointer === "") {
      if (typeof root !== "string" || !(root in TOKEN_VALUE)) {
        throw new SparsekitError(`decodeNonFinite: pointer "" must hold a non-finite token, got ${JSON.stringify(root)}.`);
      }
      root = TOKEN_VALUE[root];
      continue;
    }
    if (!pointer.startsWith("/")) {
      throw new SparsekitError(`decodeNonFinite: pointer must start with "/", got "${pointer}".`);
    }
    const segments = pointer.slice(1).split("/").map(unescapeSegment);
    let parent: PlainValue = root;
    for (let i = 0; i < segments.length - 1; i++) {
      const key = segments[i];
      parent = parent !== null && typeof parent === "object" && Object.hasOwn(parent, key) ? (parent as Record<string, PlainValue>)[key] : null;
    }
    const last = segments[segments.length - 1];
    const container = parent !== null && typeof parent === "object" ? (parent as Record<string, PlainValue>) : null;
    const token = container && Object.hasOwn(container, last) ? container[last] : undefined;
    if (!container || typeof token !== "string" || !(token in TOKEN_VALUE)) {
      throw new SparsekitError(
        `decodeNonFinite: pointer "${pointer}" must hold one of "NaN", "Infinity", "-Infinity", got ${JSON.stringify(token)}.`,
      );
    }
    setKey(container, last, TOKEN_VALUE[token]);
  }
  return root;
}
