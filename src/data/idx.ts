import { gunzipSync, gzipSync } from "node:zlib";
import { SparsekitError } from "../validation/SparsekitError.js";
import { readDataFile } from "./readDataFile.js";

/** Element types of the IDX format (LeCun's MNIST files), by their type code. */
export type IdxDtype = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

/** An IDX array: its element type, dimensions and values (row-major, host byte order). */
export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const DTYPES: Record<number, { dtype: IdxDtype; bytes: number }> = {
  0x08: { dtype: "uint8", bytes: 1 },
  0x09: { dtype: "int8", bytes: 1 },
  0x0b: { dtype: "int16", bytes: 2 },
  0x0c: { dtype: "int32", bytes: 4 },
  0x0d: { dtype: "float32", bytes: 4 },
  0x0e: { dtype: "float64", bytes: 8 },
};

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, "0")}`;
}

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips `bytes` when they carry the gzip magic number, else returns them unchanged. */
export function maybeGunzip(bytes: Uint8Array, where: string, what: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new SparsekitError(`${where}: ${what} starts with the gzip magic number but is not valid gzip data (${(e as Error).message}).`);
  }
}

/**
 * Parses an IDX file (raw or gzip-compressed; gzip is detected by its magic number 1f 8b).
 *
 * Layout: magic `00 00 TT NN` (TT = type code, NN = number of dimensions), then NN big-endian
 * uint32 dimensions, then the values in row-major order, big-endian. Type codes: 0x08 uint8,
 * 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64. The result is in host byte order.
 * Throws a SparsekitError on a wrong magic number, an unknown type code, a truncated header or
 * data, or trailing bytes after the data. SPEC.md §4 (MNIST IDX loader).
 */
export function readIdx(buffer: Uint8Array): IdxArray {
  if (!(buffer instanceof Uint8Array)) {
    throw new SparsekitError(`readIdx: argument 'buffer' must be a Uint8Array or Buffer, got ${buffer === null ? "null" : typeof buffer}.`);
  }
  return parseIdx(buffer, "readIdx", "the IDX data");
}

/** {@link readIdx} with the caller's name and a description of the data for error messages. */
export function parseIdx(bytes: Uint8Array, where: string, what: string): IdxArray {
  const buf = maybeGunzip(bytes, where, what);
  if (buf.length < 4) {
    throw new SparsekitError(`${where}: ${what} is truncated: expected at least the 4-byte IDX magic number, got ${buf.length} byte(s).`);
  }
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new SparsekitError(
      `${where}: ${what} has a wrong magic number: an IDX file starts with 0x00 0x00, got ${hex(buf[0])} ${hex(buf[1])}.`,
    );
  }
  const type = DTYPES[buf[2]];
  if (!type) {
    throw new SparsekitError(
      `${where}: ${what} has an unknown IDX type code ${hex(buf[2])}; known: 0x08 (uint8), 0x09 (int8), 0x0b (int16), 0x0c (int32), 0x0d (float32), 0x0e (float64).`,
    );
  }
  const ndims = buf[3];
  if (ndims === 0) throw new SparsekitError(`${where}: ${what} declares 0 dimensions; an IDX array needs at least 1.`);
  const headerBytes = 4 + 4 * ndims;
  if (buf.length < headerBytes) {
    throw new SparsekitError(
      `${where}: ${what} is truncated: its header declares ${ndims} dimension(s) (${headerBytes} header bytes), got ${buf.length} byte(s).`,
    );
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  const dataBytes = count * type.bytes;
  const have = buf.length - headerBytes;
  if (have < dataBytes) {
    throw new SparsekitError(
      `${where}: ${what} is truncated: shape [${shape.join(", ")}] of ${type.dtype} needs ${dataBytes} data bytes, got ${have}.`,
    );
  }
  if (have > dataBytes) {
    throw new SparsekitError(
      `${where}: ${what} has ${have - dataBytes} unexpected byte(s) after the data of shape [${shape.join(", ")}] (${type.dtype}, ${dataBytes} bytes); the dimensions do not match the file size.`,
    );
  }
  const at = headerBytes;
  let data: IdxArray["data"];
  switch (type.dtype) {
    case "uint8":
    case "int8": {
      // Copy: a Buffer's slice() is a view into a possibly shared pool.
      const raw = new Uint8Array(dataBytes);
      raw.set(buf.subarray(at, at + dataBytes));
      data = type.dtype === "uint8" ? raw : new Int8Array(raw.buffer);
      break;
    }
    case "int16": {
      const a = new Int16Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt16(at + 2 * i, false);
      data = a;
      break;
    }
    case "int32": {
      const a = new Int32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt32(at + 4 * i, false);
      data = a;
      break;
    }
    case "float32": {
      const a = new Float32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat32(at + 4 * i, false);
      data = a;
      break;
    }
    case "float64": {
      const a = new Float64Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat64(at + 8 * i, false);
      data = a;
      break;
    }
  }
  return { dtype: type.dtype, shape, data };
}

/** Reads and parses an IDX file from disk (raw or .gz), see {@link readIdx}. */
export function loadIdxFile(path: string): IdxArray {
  const bytes = readDataFile(path, "loadIdxFile", "path");
  return parseIdx(bytes, "loadIdxFile", `file "${path}"`);
}

/**
 * Encodes an array in the IDX format (big-endian), optionally gzip-compressed: the inverse of
 * {@link readIdx}, for writing small data sets and test files.
 */
export function encodeIdx(array: IdxArray, opts: { gzip?: boolean } = {}): Uint8Array {
  const code = Number(Object.keys(DTYPES).find((k) => DTYPES[Number(k)].dtype === array.dtype));
  const type = DTYPES[code];
  if (!type) throw new SparsekitError(`encodeIdx: argument 'array.dtype' must be an IDX type, got "${String(array.dtype)}".`);
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (array.shape.length === 0 || array.shape.length > 255 || array.shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new SparsekitError(`encodeIdx: argument 'array.shape' must be 1 to 255 non-negative integers, got [${array.shape.join(", ")}].`);
  }
  if (array.data.length !== count) {
    throw new SparsekitError(`encodeIdx: argument 'array.data' must hold ${count} values for shape [${array.shape.join(", ")}], got ${array.data.length}.`);
  }
  const header = 4 + 4 * array.shape.length;
  const out = new Uint8Array(header + count * type.bytes);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = array.shape.length;
  array.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const d = array.data;
  for (let i = 0; i < count; i++) {
    const at = header + i * type.bytes;
    switch (type.dtype) {
      case "uint8": view.setUint8(at, d[i]); break;
      case "int8": view.setInt8(at, d[i]); break;
      case "int16": view.setInt16(at, d[i], false); break;
      case "int32": view.setInt32(at, d[i], false); break;
      case "float32": view.setFloat32(at, d[i], false); break;
      case "float64": view.setFloat64(at, d[i], false); break;
    }
  }
  return opts.gzip ? new Uint8Array(gzipSync(out)) : out;
}
