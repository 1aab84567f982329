import { describe, expect, it } from "vitest";
import { f32Bytes, section, sleb, uleb, WASM_HEADER, wasmName } from "../../src/backend/wasmEncoding.js";

describe("wasm encoding", () => {
  it("writes unsigned LEB128", () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(65536)).toEqual([0x80, 0x80, 0x04]);
  });

  it("writes signed LEB128", () => {
    expect(sleb(0)).toEqual([0]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(128)).toEqual([0x80, 0x01]);
  });

  it("writes sections, names and float32 constants; an empty module validates", () => {
    expect(section(1, [9, 9])).toEqual([1, 2, 9, 9]);
    expect(wasmName("env")).toEqual([3, 0x65, 0x6e, 0x76]);
    expect(f32Bytes(1)).toEqual([0, 0, 0x80, 0x3f]);
    expect(WebAssembly.validate(new Uint8Array(WASM_HEADER))).toBe(true);
  });
});
