import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { encodeIdx, isGzip, loadIdxFile, readIdx, type IdxArray } from "../../src/data/idx.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

const dir = mkdtempSync(join(tmpdir(), "sparsekit-idx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readIdx", () => {
  it("parses a hand-written uint8 file (header, big-endian dims, data)", () => {
    // magic 00 00 08 02, dims 2 x 3, then 6 bytes
    const bytes = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 250, 251, 252]);
    const a = readIdx(bytes);
    expect(a.dtype).toBe("uint8");
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 250, 251, 252]);
  });

  it("reads big-endian multi-byte values by hand", () => {
    // int16 [2]: 0x0102 = 258, 0xfffe = -2; int32 [1]: 0x00010000 = 65536
    expect(Array.from(readIdx(new Uint8Array([0, 0, 0x0b, 1, 0, 0, 0, 2, 1, 2, 0xff, 0xfe])).data)).toEqual([258, -2]);
    expect(Array.from(readIdx(new Uint8Array([0, 0, 0x0c, 1, 0, 0, 0, 1, 0, 1, 0, 0])).data)).toEqual([65536]);
    // float32 1.5 = 3f c0 00 00
    expect(Array.from(readIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0])).data)).toEqual([1.5]);
  });

  it("round-trips every dtype through encodeIdx, raw and gzipped", () => {
    const cases: IdxArray[] = [
      { dtype: "uint8", shape: [2, 2], data: new Uint8Array([0, 1, 128, 255]) },
      { dtype: "int8", shape: [3], data: new Int8Array([-128, 0, 127]) },
      { dtype: "int16", shape: [1, 3], data: new Int16Array([-32768, 5, 32767]) },
      { dtype: "int32", shape: [2], data: new Int32Array([-2147483648, 2147483647]) },
      { dtype: "float32", shape: [2, 1, 2], data: new Float32Array([0.25, -3.5, 1e-8, 7]) },
      { dtype: "float64", shape: [2], data: new Float64Array([Math.PI, -1e300]) },
    ];
    for (const c of cases) {
      for (const gzip of [false, true]) {
        const bytes = encodeIdx(c, { gzip });
        expect(isGzip(bytes)).toBe(gzip);
        const back = readIdx(bytes);
        expect(back.dtype).toBe(c.dtype);
        expect(back.shape).toEqual(c.shape);
        expect(Array.from(back.data)).toEqual(Array.from(c.data));
      }
    }
  });

  it("rejects wrong magic numbers, unknown types, truncation and trailing bytes", () => {
    const good = encodeIdx({ dtype: "uint8", shape: [2, 2], data: new Uint8Array(4) });
    const badMagic = good.slice();
    badMagic[0] = 0x50;
    expect(() => readIdx(badMagic)).toThrow(/wrong magic number.*0x50 0x00/);
    const badType = good.slice();
    badType[2] = 0x0a;
    expect(() => readIdx(badType)).toThrow(/unknown IDX type code 0x0a/);
    expect(() => readIdx(good.subarray(0, good.length - 1))).toThrow(/truncated: shape \[2, 2\] of uint8 needs 4 data bytes, got 3/);
    expect(() => readIdx(good.subarray(0, 6))).toThrow(/truncated: its header declares 2 dimension/);
    expect(() => readIdx(good.subarray(0, 2))).toThrow(/at least the 4-byte IDX magic/);
    expect(() => readIdx(new Uint8Array([...good, 0]))).toThrow(/1 unexpected byte/);
    expect(() => readIdx(new Uint8Array([0x1f, 0x8b, 1, 2, 3]))).toThrow(/not valid gzip/);
    expect(() => readIdx("x" as unknown as Uint8Array)).toThrow(SparsekitError);
  });

  it("detects truncation inside a gzipped file", () => {
    const raw = encodeIdx({ dtype: "int32", shape: [3], data: new Int32Array([1, 2, 3]) });
    expect(() => readIdx(gzipSync(raw.subarray(0, raw.length - 2)))).toThrow(/needs 12 data bytes, got 10/);
  });
});

describe("loadIdxFile", () => {
  it("loads raw and .gz files and names the file in errors", () => {
    const a: IdxArray = { dtype: "float64", shape: [2, 2], data: new Float64Array([1, 2, 3, 4]) };
    writeFileSync(join(dir, "a.idx"), encodeIdx(a));
    writeFileSync(join(dir, "a.idx.gz"), encodeIdx(a, { gzip: true }));
    expect(Array.from(loadIdxFile(join(dir, "a.idx")).data)).toEqual([1, 2, 3, 4]);
    expect(loadIdxFile(join(dir, "a.idx.gz")).shape).toEqual([2, 2]);
    writeFileSync(join(dir, "bad.idx"), Buffer.from([1, 2, 3, 4, 5]));
    expect(() => loadIdxFile(join(dir, "bad.idx"))).toThrow(/loadIdxFile: file ".*bad\.idx" has a wrong magic number/);
    expect(() => loadIdxFile(join(dir, "missing.idx"))).toThrow(/no such file/);
  });
});
